// A browser login that does not finish says why (cli.md §4.1 step 6, issue 19 finding 6): when the
// identity provider does not know the CLI callback it shows its own error page and never sends the
// browser back; the CLI names that cause and the URL to register while it waits, and again when it
// times out, instead of waiting silently for ten minutes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack, stopStack, tempDir } from './support/fixtures.js';
import { runCli, startCli, until } from './support/run-cli.js';

let stack: Stack;
let dir: string;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  dir = tempDir();
  stack.gw.login.approve = true;
  stack.gw.login.failure = undefined;
  stack.gw.login.strandAtIdp = false;
  stack.gw.login.lifetimeMs = 600_000;
});

const desktop = () => ({ RACK_GATEWAY_CONFIG_DIR: dir, DISPLAY: ':0' });
const headless = () => ({ RACK_GATEWAY_CONFIG_DIR: dir });
const callbackUrl = () => `${stack.gw.url}/api/v1/auth/cli/callback`;
const printedUrl = (stderr: string) => /Open this URL: (\S+)/.exec(stderr)?.[1] ?? '';

describe('a browser stranded at the identity provider (CLI callback not registered)', () => {
  it('poll mode: after the hint delay the CLI names the redirect_uri error and the URL to register', async () => {
    stack.gw.login.strandAtIdp = true;
    const run = startCli(['login', 'demo', stack.gw.url, '--no-browser'], {
      env: headless(),
      timings: { loginHintMs: 0 },
    });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    await stack.gw.browse(printedUrl(run.stderr()));
    await until(() => run.stderr().includes('Still waiting for the identity provider'), 'the hint');
    expect(run.stderr()).toContain('"Unregistered redirect_uri"');
    expect(run.stderr()).toContain(`an administrator must register ${callbackUrl()}`);
    expect(run.stderr()).toContain('docs/identity-providers.md');
    run.interrupt();
    expect((await run.result).code).toBe(130);
  });

  it('loopback mode: the CLI asks the gateway where the login stands and says the same', async () => {
    stack.gw.login.strandAtIdp = true;
    const run = startCli(['login', 'demo', stack.gw.url], {
      env: desktop(),
      timings: { loginHintMs: 0 },
      openUrl: async (url) => {
        await stack.gw.browse(url);
        return true;
      },
    });
    await until(() => run.stderr().includes('Still waiting for the identity provider'), 'the hint');
    expect(run.stderr()).toContain(`an administrator must register ${callbackUrl()}`);
    run.interrupt();
    expect((await run.result).code).toBe(130);
  });

  it('the timeout names the likely cause and the callback to register (exit 124)', async () => {
    stack.gw.login.strandAtIdp = true;
    stack.gw.login.lifetimeMs = 1500;
    const run = startCli(['login', 'demo', stack.gw.url, '--no-browser'], { env: headless() });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    await stack.gw.browse(printedUrl(run.stderr()));
    const res = await run.result;
    expect(res.code).toBe(124);
    expect(res.stderr).toContain(
      'Error: Login timed out: the browser went to the identity provider and never came back to the gateway\n' +
        `Hint: If the provider showed an error about the redirect URI, an administrator must register ${callbackUrl()} at the identity provider (docs/identity-providers.md); then run the command again\n`,
    );
  });
});

describe('other waits say what they wait for', () => {
  it('a link never opened: the hint repeats the URL and the timeout says so', async () => {
    stack.gw.login.lifetimeMs = 1500;
    const run = startCli(['login', 'demo', stack.gw.url, '--no-browser'], {
      env: headless(),
      timings: { loginHintMs: 0 },
    });
    await until(() => run.stderr().includes('Still waiting'), 'the hint');
    expect(run.stderr()).toContain(
      `Still waiting: the sign-in link has not been opened. Open this URL in a browser: ${printedUrl(run.stderr())}`,
    );
    expect(run.stderr()).not.toContain('redirect_uri');
    const res = await run.result;
    expect(res.code).toBe(124);
    expect(res.stderr).toContain(
      'Error: Login timed out: the sign-in link was never opened; run the command again',
    );
  });

  it('a login that completes before the hint delay prints no hint', async () => {
    const res = await runCli(['login', 'demo', stack.gw.url], {
      env: desktop(),
      openUrl: async (url) => {
        await stack.gw.browse(url);
        return true;
      },
    });
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('Still waiting');
  });
});
