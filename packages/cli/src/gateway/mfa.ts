// MFA plumbing of cli.md §5: a 401 carrying `X-MFA-Required: step-up|always` is a prompt, never a
// logout. The CLI obtains a TOTP or backup code (--mfa-code / RACK_GATEWAY_MFA_CODE once, then a
// hidden prompt; no terminal → exit 6) or runs the WebAuthn browser hand-off, and retries the
// request once per successful verification. At most 3 code attempts per command.
import type { CredentialKind } from '../config/selection.js';
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';
import type { Output } from '../output/output.js';
import { canPrompt, promptLine } from '../terminal/prompt.js';
import { failureOf } from './error-map.js';
import type { GatewayApi } from './gateway-http.js';
import { proofValue, webauthnHandoff } from './webauthn-handoff.js';

export type InlineMfa = Readonly<Record<string, string>>;
export type MfaLevel = 'step-up' | 'always';
export type MfaMethod = 'totp' | 'webauthn';

const MAX_ATTEMPTS = 3;

export interface MfaDeps {
  readonly io: CliIo;
  readonly out: Output;
  readonly api: GatewayApi;
  readonly credentialKind: CredentialKind;
  /** --mfa-code or RACK_GATEWAY_MFA_CODE: used for the first challenge only (codes are single use). */
  readonly presetCode: string | undefined;
  /** --mfa-method, else the rack's or global configured method. */
  readonly method: MfaMethod | undefined;
  /** Whether a browser can be opened here (not a remote or headless session). */
  readonly browserAvailable: boolean;
}

/** The MFA level a failed request asks for, when it is an MFA challenge. */
export function challengeLevel(err: unknown): MfaLevel | undefined {
  const f = failureOf(err);
  const level = f?.status === 401 ? f.headers['x-mfa-required'] : undefined;
  return level === 'step-up' || level === 'always' ? level : undefined;
}

function isVerificationFailure(err: unknown): boolean {
  const f = failureOf(err);
  return (
    f !== undefined &&
    (f.code === 'mfa_verification_failed' ||
      (f.status === 401 && f.headers['x-mfa-required'] !== undefined))
  );
}

/** The gateway's words for a code it recognised as already used (not counted as a failure). */
function reusedCodeMessage(err: unknown): string | undefined {
  const message = failureOf(err)?.message;
  return message !== undefined && /already used/i.test(message) ? message : undefined;
}

export class MfaHandler {
  private presetCode: string | undefined;
  private failures = 0;

  constructor(private readonly deps: MfaDeps) {
    this.presetCode = deps.presetCode;
  }

  /** Runs `attempt` and, when it is refused for MFA, verifies and retries it. */
  async run<T>(attempt: (inline: InlineMfa) => Promise<T>): Promise<T> {
    try {
      return await attempt({});
    } catch (err) {
      const level = challengeLevel(err);
      if (level === undefined) throw err;
      const methods = failureOf(err)?.headers['x-mfa-methods'] ?? '';
      if ((await this.chooseMethod(methods)) === 'webauthn') {
        const proof = await webauthnHandoff(this.deps);
        const always = level === 'always' && proof !== undefined;
        return attempt(always ? { 'X-MFA-WebAuthn': proofValue(proof, 'base64') } : {});
      }
      return this.withCode(level, (code) => attempt({ 'X-MFA-TOTP': code }));
    }
  }

  /** Performs a step-up now (`POST /api/v1/auth/mfa/verify`, or the hand-off). */
  async stepUp(): Promise<unknown> {
    if ((await this.chooseMethod('')) === 'webauthn') return webauthnHandoff(this.deps);
    return this.withCode('step-up', async (code) => {
      const res = await this.deps.api.send('POST', '/api/v1/auth/mfa/verify', { json: { code } });
      return res.body;
    });
  }

  /** The inline-MFA suffix for a RACK_URL credential (identity.md §14.9), verified now. */
  async inlineSuffix(): Promise<string> {
    if ((await this.chooseMethod('')) !== 'webauthn') return `.totp.${await this.code('always')}`;
    const proof = await webauthnHandoff(this.deps);
    if (proof === undefined) throw new CliError('The gateway returned no hand-off proof', EXIT.mfa);
    return `.webauthn.${proofValue(proof, 'base64url')}`;
  }

  private async chooseMethod(methods: string): Promise<MfaMethod> {
    if (this.presetCode !== undefined || this.deps.credentialKind === 'api_token') return 'totp';
    if (this.deps.method !== undefined) return this.deps.method;
    const preferred = await this.preferredMethod();
    if (preferred !== undefined) return preferred;
    const listed = methods.split(',').map((m) => m.trim());
    return listed.includes('webauthn') && this.deps.browserAvailable ? 'webauthn' : 'totp';
  }

  private async preferredMethod(): Promise<MfaMethod | undefined> {
    try {
      const info = (await this.deps.api.send('GET', '/api/v1/info')).body as {
        user?: { preferred_mfa_method?: unknown };
      };
      const method = info.user?.preferred_mfa_method;
      return method === 'totp' || method === 'webauthn' ? method : undefined;
    } catch {
      return undefined;
    }
  }

  private async withCode<T>(level: MfaLevel, use: (code: string) => Promise<T>): Promise<T> {
    for (;;) {
      const code = await this.code(level);
      try {
        return await use(code);
      } catch (err) {
        if (!isVerificationFailure(err)) throw err;
        this.failures += 1;
        const reused = reusedCodeMessage(err);
        if (this.failures >= MAX_ATTEMPTS || !canPrompt(this.deps.io))
          throw new CliError(reused ?? 'Invalid code', EXIT.mfa, {
            status: 401,
            reason: 'mfa_verification_failed',
          });
        this.deps.out.warn(
          reused ?? 'Invalid code. 5 failed attempts within 5 minutes lock your account.',
        );
      }
    }
  }

  private async code(level: MfaLevel): Promise<string> {
    const preset = this.presetCode;
    this.presetCode = undefined;
    if (preset) return preset.trim();
    if (!canPrompt(this.deps.io))
      throw new CliError(
        `MFA (${level}) required. Re-run with --mfa-code <code> or run rack-gateway mfa first.`,
        EXIT.mfa,
        { status: 401 },
      );
    return (await promptLine(this.deps.io, 'Authentication code (or backup code):', true)).trim();
  }
}
