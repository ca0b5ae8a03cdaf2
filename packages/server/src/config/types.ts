// The frozen, typed configuration every part of the server receives from the composition root.

export type Mode = 'production' | 'development' | 'demo';

export interface RackConnection {
  readonly url: URL;
  readonly username: string;
  readonly token: string;
}

export interface HmacKey {
  readonly id: string;
  readonly secret: Buffer;
}

export interface Config {
  readonly mode: Mode;
  readonly devMode: boolean;
  readonly version: string;
  readonly server: {
    readonly port: number;
    readonly bindAddress: string;
    readonly publicUrl: URL;
    readonly allowedHosts: readonly string[];
    readonly trustedProxyCidrs: readonly string[];
    readonly replicaId: string;
    readonly apiBodyLimitBytes: number;
    readonly cookieSecure: boolean;
    readonly strictCsp: boolean;
    readonly shutdownGraceSeconds: number;
  };
  readonly database: {
    readonly url: string | null;
    readonly migrationUrl: string | null;
    readonly poolMax: number;
    readonly statementTimeoutMs: number;
    readonly dataDir: string;
    readonly allowEmbedded: boolean;
    readonly autoMigrate: boolean;
  };
  readonly secrets: {
    readonly appSecretKey: Buffer;
    readonly appSecretKeyPrevious: Buffer | null;
    readonly auditKey: HmacKey;
    readonly auditPreviousKeys: readonly HmacKey[];
    readonly generated: boolean;
  };
  readonly oidc: {
    readonly issuer: URL;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly profile: 'google' | 'generic';
    readonly allowedDomains: readonly string[];
    readonly requireEmailVerified: boolean;
    readonly scopes: string;
    readonly displayName: string;
    readonly allowInsecureHttp: boolean;
    readonly discoveryTimeoutSeconds: number;
  };
  readonly seedUsers: {
    readonly admin: readonly string[];
    readonly deployer: readonly string[];
    readonly ops: readonly string[];
    readonly viewer: readonly string[];
  };
  readonly rack: {
    readonly connection: RackConnection;
    readonly name: string;
    readonly alias: string;
    readonly displayName: string;
    readonly tlsVerify: boolean;
    readonly caFile: string | null;
    readonly tlsPinning: 'off' | 'static' | 'tofu';
    readonly tlsPinSha256: string | null;
    readonly responseTimeoutSeconds: number;
    readonly streamIdleTimeoutSeconds: number;
    readonly maxUploadBytes: number;
    readonly secretEnvVars: readonly string[];
  };
  readonly webauthn: {
    readonly rpId: string;
    readonly rpName: string;
    readonly origins: readonly string[];
    readonly totpIssuer: string;
    readonly yubico: {
      readonly clientId: string;
      readonly secretKey: string;
      readonly apiUrl: URL;
    } | null;
  };
  readonly rateLimit: { readonly rps: number; readonly burst: number };
  readonly audit: {
    readonly chainId: string;
    readonly stdout: boolean;
    readonly batchMaxEvents: number;
    readonly batchLingerMs: number;
    readonly readLingerMs: number;
    readonly partitionEvents: number;
    readonly queueMax: number;
    readonly appendTimeoutMs: number;
    readonly verifyIntervalMinutes: number;
    readonly anchor: {
      readonly bucket: string;
      readonly prefix: string;
      readonly intervalMinutes: number;
      readonly everyEvents: number;
      readonly retentionDays: number;
      readonly kmsKeyId: string | null;
      readonly requireObjectLock: boolean;
      readonly endpoint: URL | null;
      readonly forcePathStyle: boolean;
      readonly region: string;
    } | null;
    readonly captureMaxBytes: number;
    readonly captureRetentionDays: number;
    readonly webhook: {
      readonly url: URL;
      readonly secret: string;
      readonly batchMax: number;
      readonly flushSeconds: number;
      readonly timeoutSeconds: number;
    } | null;
  };
  readonly email: {
    readonly smtpUrl: URL | null;
    readonly host: string | null;
    readonly port: number;
    readonly user: string | null;
    readonly password: string | null;
    readonly secure: 'starttls' | 'tls' | 'none';
    readonly from: string;
    readonly replyTo: string | null;
    readonly timeoutSeconds: number;
    readonly logOnly: boolean;
  };
  readonly integrations: {
    readonly slack: {
      readonly clientId: string | null;
      readonly clientSecret: string | null;
      readonly botToken: string | null;
      readonly apiUrl: URL;
    };
    readonly github: { readonly token: string | null; readonly apiUrl: URL };
    readonly circleci: { readonly token: string | null; readonly apiUrl: URL };
  };
  readonly jobs: { readonly enabled: boolean; readonly pollIntervalMs: number };
  readonly logging: {
    readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
    readonly format: 'json' | 'pretty';
    readonly requests: boolean;
    readonly debugTopics: readonly string[];
  };
  readonly web: { readonly devServerUrl: URL | null };
  readonly demo: {
    readonly mockIdpPort: number;
    readonly mockRackPort: number;
    readonly allowRemote: boolean;
  };
}
