// The mock IdP's sign-in page: one button per account, no scripts and no inline styles (its own
// strict CSP), so a person — or a test with a cookie jar — picks who signs in.
import type { MockIdpUser } from './users.js';

const escapeHtml = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const STYLESHEET = `body{font-family:system-ui,sans-serif;background:#f4f6f9;color:#1b2430;margin:0}
main{max-width:30rem;margin:8vh auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 4px 24px rgb(0 0 0/8%)}
h1{font-size:1.4rem;margin:0 0 .5rem}p{color:#55606e}ul{list-style:none;padding:0;margin:1rem 0}
li{margin:.5rem 0}button{width:100%;text-align:left;padding:.7rem 1rem;border:1px solid #c9d1db;border-radius:8px;background:#fff;cursor:pointer;font-size:1rem}
button:hover,button.hinted{border-color:#1f3a5f;background:#eef3f9}.note{display:block;font-size:.8rem;color:#7a8594}
.cancel{margin-top:1rem;text-align:center}.cancel button{text-align:center;width:auto;border:none;color:#55606e}`;

export function signInPage(uid: string, users: readonly MockIdpUser[], loginHint: string): string {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const items = users
    .map((u) => {
      const label = u.email ?? `${u.name} (no e-mail)`;
      const hinted =
        loginHint !== '' && loginHint.toLowerCase() === u.email ? ' class="hinted"' : '';
      return `<li><button type="submit" name="sub" value="${escapeHtml(u.sub)}"${hinted}>${escapeHtml(label)}<span class="note">${escapeHtml(u.name)} · ${escapeHtml(u.note)}</span></button></li>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mock IdP – choose an account</title><link rel="stylesheet" href="/mock-idp.css"></head>
<body><main><h1>Choose an account</h1><p>Mock identity provider for rack-gateway demos and tests. Anyone can pick any account.</p>
<form method="post" action="${action}/login"><ul>${items}</ul></form>
<form method="post" action="${action}/abort" class="cancel"><button type="submit">Cancel sign-in</button></form>
</main></body></html>`;
}

export function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mock IdP</title><link rel="stylesheet" href="/mock-idp.css"></head><body><main><h1>Sign-in unavailable</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}
