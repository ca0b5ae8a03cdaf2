// `GET /api/v1/info` (identity.md §6): who the credential belongs to, its session or token expiry,
// MFA state and the gateway version. Only the fields the CLI reads are typed; the document itself
// is printed as received with --json.
import type { GatewayApi } from './gateway-http.js';

export interface InfoDocument {
  readonly user?: {
    readonly email?: string;
    readonly name?: string;
    readonly roles?: string[];
    readonly mfa_enrolled?: boolean;
    readonly mfa_required?: boolean;
    readonly mfa_state?: string;
    readonly preferred_mfa_method?: string | null;
    readonly recent_step_up_expires_at?: string | null;
  };
  readonly rack?: {
    readonly name?: string;
    readonly alias?: string;
    readonly display_name?: string;
  };
  readonly version?: { readonly version?: string; readonly commit?: string };
  readonly session?: {
    readonly id?: string;
    readonly channel?: string;
    readonly idle_expires_at?: string;
    readonly absolute_expires_at?: string;
  } | null;
  readonly token?: {
    readonly id?: string;
    readonly name?: string;
    readonly expires_at?: string | null;
  } | null;
}

export async function fetchInfo(api: GatewayApi, signal?: AbortSignal): Promise<InfoDocument> {
  const res = await api.send('GET', '/api/v1/info', signal ? { signal } : {});
  return (res.body ?? {}) as InfoDocument;
}

/** The session's end per cli.md §9: the earlier of idle and absolute expiry. */
export function sessionEnd(info: InfoDocument): string | undefined {
  const times = [info.session?.idle_expires_at, info.session?.absolute_expires_at].filter(
    (t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)),
  );
  return times.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}
