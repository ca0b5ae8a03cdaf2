// Everything a command needs, built lazily from the global options (cli.md §1–3): the output
// module, the config store, the selected rack and credential, and the gateway session (API client,
// MFA handler, rack proxy access). It also remembers what the error mapper needs to know.
import { Agent, type Dispatcher } from 'undici';
import { configDir } from './config/config-dir.js';
import { type ConfigData, ConfigStore } from './config/config-file.js';
import {
  type AppSelection,
  type Credential,
  type RackSelection,
  resolveCredential,
  selectRack,
} from './config/selection.js';
import type { ErrorContext } from './gateway/error-map.js';
import { GatewayApi } from './gateway/gateway-http.js';
import { MfaHandler, type MfaMethod } from './gateway/mfa.js';
import type { CliIo } from './io.js';
import { Output } from './output/output.js';
import { RackAccess } from './rack/rack-access.js';
import { browserAvailable } from './terminal/browser.js';

export interface GlobalOptions {
  readonly rack?: string;
  readonly apiToken?: string;
  readonly mfaCode?: string;
  readonly mfaMethod?: string;
  readonly json?: boolean;
  readonly color?: boolean;
  readonly debug?: boolean;
  readonly configDir?: string;
}

export interface GatewaySession {
  readonly rack: RackSelection;
  readonly url: string;
  readonly credential: Credential;
  readonly api: GatewayApi;
  readonly mfa: MfaHandler;
  readonly rackAccess: RackAccess;
}

function mfaMethod(value: unknown): MfaMethod | undefined {
  return value === 'totp' || value === 'webauthn' ? value : undefined;
}

export class CliContext {
  readonly out: Output;
  readonly store: ConfigStore;
  readonly dispatcher: Dispatcher;
  readonly insecureTls: boolean;
  private config: ConfigData | undefined;
  private selected: RackSelection | undefined;
  private active: GatewaySession | undefined;
  /** The app the command resolved (its source matters for a "not found" answer). */
  appSelection: AppSelection | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {
    const color = globals.color !== false && !io.env.NO_COLOR;
    this.out = new Output(io, {
      json: globals.json === true,
      color,
      debug: globals.debug === true,
    });
    this.store = new ConfigStore(configDir(io, globals.configDir), (text) => this.out.warn(text));
    this.insecureTls = io.env.RACK_GATEWAY_INSECURE_TLS === '1';
    if (this.insecureTls)
      this.out.warn(
        'TLS certificate verification is disabled (RACK_GATEWAY_INSECURE_TLS=1); use this only for local development',
      );
    const agent = new Agent({
      connect: { timeout: 30_000, rejectUnauthorized: !this.insecureTls },
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    // --debug: one line per request (method, origin and path; credentials travel in headers only).
    this.dispatcher = agent.compose((dispatch) => (opts, handler) => {
      this.out.debug(`${opts.method} ${String(opts.origin ?? '')}${opts.path}`);
      return dispatch(opts, handler);
    });
  }

  loadConfig(): ConfigData {
    this.config ??= this.store.load();
    return this.config;
  }

  saveConfig(data: ConfigData): void {
    this.config = data;
    this.store.save(data);
  }

  rack(): RackSelection {
    if (this.selected === undefined) {
      this.selected = selectRack(this.loadConfig(), this.io.env, this.globals.rack);
      this.out.debug(`rack ${this.selected.name} (from ${this.selected.source})`);
    }
    return this.selected;
  }

  api(url: string, credential: string | undefined): GatewayApi {
    return new GatewayApi({ baseUrl: url, credential, dispatcher: this.dispatcher });
  }

  /** The logged-in gateway session of the selected rack (exit 3 when there is none). */
  session(): GatewaySession {
    if (this.active) return this.active;
    const rack = this.rack();
    const credential = resolveCredential(rack, this.io.env, this.globals.apiToken, this.io.now());
    const url = rack.url ?? '';
    const api = this.api(url, credential.value);
    const config = this.loadConfig();
    const mfa = new MfaHandler({
      io: this.io,
      out: this.out,
      api,
      credentialKind: credential.kind,
      presetCode: this.globals.mfaCode ?? this.io.env.RACK_GATEWAY_MFA_CODE,
      method:
        mfaMethod(this.globals.mfaMethod) ??
        mfaMethod(rack.entry?.mfa_method) ??
        mfaMethod(config.mfa_method),
      browserAvailable: browserAvailable(this.io),
    });
    const rackAccess = new RackAccess({
      gatewayUrl: url,
      credential: credential.value,
      dispatcher: this.dispatcher,
      insecureTls: this.insecureTls,
      mfa,
      interrupt: this.io.interrupt,
    });
    this.active = { rack, url, credential, api, mfa, rackAccess };
    return this.active;
  }

  /** The session if a command opened one. */
  get activeSession(): GatewaySession | undefined {
    return this.active;
  }

  errorContext(): ErrorContext {
    const rack = this.selected;
    return {
      ...(rack ? { rack: rack.name } : {}),
      ...(rack?.url ? { gatewayUrl: rack.url } : {}),
      ...(rack?.entry?.roles ? { roles: rack.entry.roles } : {}),
      ...(this.active ? { credential: this.active.credential } : {}),
    };
  }

  async close(): Promise<void> {
    await this.active?.rackAccess.close();
    await this.dispatcher.close();
  }
}
