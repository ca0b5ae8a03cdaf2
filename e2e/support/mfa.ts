// MFA for end-to-end suites against demo mode, which requires MFA like production: TOTP codes
// computed from the secret the gateway showed (never a bypass), one per 30 s step because the
// gateway refuses a replayed step, and the secrets of the users enrolled in this test file.
import { Secret, TOTP } from 'otpauth';
import { waitFor } from './ports.ts';

const secrets = new Map<string, string>();
const usedSteps = new Map<string, Set<number>>();

export function rememberSecret(email: string, secret: string): void {
  secrets.set(email.toLowerCase(), secret.replace(/\s+/g, ''));
}

export function secretOf(email: string): string {
  const secret = secrets.get(email.toLowerCase());
  if (secret === undefined) throw new Error(`${email} has not enrolled MFA in this test file`);
  return secret;
}

const stepNow = (): number => TOTP.counter({ period: 30, timestamp: Date.now() });

/** The code of the current step once it has not been used yet (waits for the next step if so). */
export async function freshTotp(secret: string): Promise<string> {
  const used = usedSteps.get(secret) ?? new Set<number>();
  usedSteps.set(secret, used);
  await waitFor(async () => !used.has(stepNow()), 35_000, 'a TOTP step not used yet');
  const step = stepNow();
  used.add(step);
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: step * 30_000 });
}

/** Marks the current step used (a code was typed for it elsewhere, e.g. in the browser). */
export function markUsed(secret: string): void {
  const used = usedSteps.get(secret) ?? new Set<number>();
  used.add(stepNow());
  usedSteps.set(secret, used);
}

type Requester = (
  url: string,
  init?: { json?: unknown; headers?: Record<string, string> },
) => Promise<{ status: number; body: string }>;

/**
 * Enrols TOTP over the API for a browser-like client whose session awaits enrolment; returns the
 * new CSRF token (the session rotates) and remembers the secret.
 */
export async function enrolOverApi(
  request: Requester,
  gateway: string,
  email: string,
  csrf: string,
): Promise<string> {
  const headers = { 'x-csrf-token': csrf, origin: gateway };
  const started = await request(`${gateway}/api/v1/auth/mfa/enroll/totp/start`, {
    json: {},
    headers,
  });
  if (started.status !== 200) throw new Error(`enrol start: ${started.status} ${started.body}`);
  const { method_id, secret } = JSON.parse(started.body) as { method_id: string; secret: string };
  rememberSecret(email, secret);
  const confirmed = await request(`${gateway}/api/v1/auth/mfa/enroll/totp/confirm`, {
    json: { method_id, code: await freshTotp(secret) },
    headers,
  });
  if (confirmed.status !== 200)
    throw new Error(`enrol confirm: ${confirmed.status} ${confirmed.body}`);
  return (JSON.parse(confirmed.body) as { csrf_token: string }).csrf_token;
}
