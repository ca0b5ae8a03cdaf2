// TOTP (identity.md §14.2): RFC 6238 with SHA-1, 6 digits and 30 s steps; 20-byte random secrets in
// base32. A code is accepted for the current step ±1; the caller records the matched step so that
// no code of that step is accepted again (replay protection). Codes compare in constant time.
import { HOTP, Secret, TOTP } from 'otpauth';
import { safeEqual } from '../identity/secrets.js';

const PERIOD_SECONDS = 30;
const DIGITS = 6;

export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export function otpauthUri(issuer: string, account: string, secret: string): string {
  return new TOTP({
    issuer,
    label: account,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  }).toString();
}

export const timeStep = (at: Date): number => Math.floor(at.getTime() / 1000 / PERIOD_SECONDS);

export const looksLikeTotp = (code: string): boolean => /^\d{6}$/.test(code);

/** The code of `step` for `secret` (tests compute theirs with otpauth directly). */
const codeAt = (secret: string, step: number): string =>
  HOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: DIGITS,
    counter: step,
  });

/** The time step (current ±1) whose code equals `code`, or null. Every candidate is compared. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  const current = timeStep(now);
  let matched: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    if (safeEqual(codeAt(secret, step), code) && matched === null) matched = step;
  }
  return matched;
}

/** Whether `code` is the code of one of `steps` (steps this user already verified with). */
export function isCodeOfSteps(secret: string, code: string, steps: readonly number[]): boolean {
  let found = false;
  for (const step of steps) if (safeEqual(codeAt(secret, step), code)) found = true;
  return found;
}
