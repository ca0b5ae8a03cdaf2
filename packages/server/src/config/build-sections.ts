// The remaining Config sections: MFA, audit, e-mail, integrations, jobs and logging.
import { type Ctx, fail, orNull } from './build-config.js';
import type { Config } from './types.js';

export function buildWebauthn(
  ctx: Ctx,
  server: Config['server'],
  alias: string,
): Config['webauthn'] {
  const { env } = ctx;
  const hasId = env.YUBICO_CLIENT_ID !== undefined;
  if (hasId !== (env.YUBICO_SECRET_KEY !== undefined)) {
    fail(
      ctx,
      hasId ? 'YUBICO_SECRET_KEY' : 'YUBICO_CLIENT_ID',
      'YUBICO_CLIENT_ID and YUBICO_SECRET_KEY go together',
    );
  }
  const issuer = `Rack Gateway (${alias})`;
  return {
    rpId: env.WEBAUTHN_RP_ID ?? server.publicUrl.hostname,
    rpName: env.WEBAUTHN_RP_NAME ?? issuer,
    origins: env.WEBAUTHN_ORIGIN ?? [server.publicUrl.origin],
    totpIssuer: env.MFA_TOTP_ISSUER ?? issuer,
    yubico:
      env.YUBICO_CLIENT_ID && env.YUBICO_SECRET_KEY
        ? {
            clientId: env.YUBICO_CLIENT_ID,
            secretKey: env.YUBICO_SECRET_KEY,
            apiUrl: env.YUBICO_API_URL,
          }
        : null,
  };
}

function buildAnchor(ctx: Ctx): Config['audit']['anchor'] {
  const { env } = ctx;
  if (env.AUDIT_ANCHOR_BUCKET === undefined) return null;
  const endpoint = orNull(env.AUDIT_S3_ENDPOINT);
  return {
    bucket: env.AUDIT_ANCHOR_BUCKET,
    prefix: env.AUDIT_ANCHOR_PREFIX,
    intervalMinutes: env.AUDIT_ANCHOR_INTERVAL_MINUTES,
    everyEvents: env.AUDIT_ANCHOR_EVERY_EVENTS,
    retentionDays: env.AUDIT_ANCHOR_RETENTION_DAYS,
    kmsKeyId: orNull(env.AUDIT_ANCHOR_KMS_KEY_ID),
    requireObjectLock: env.AUDIT_ANCHOR_REQUIRE_OBJECT_LOCK,
    endpoint,
    forcePathStyle: env.AUDIT_S3_FORCE_PATH_STYLE ?? endpoint !== null,
    region: env.AWS_REGION,
  };
}

function buildWebhook(ctx: Ctx): Config['audit']['webhook'] {
  const { env, prod } = ctx;
  if (env.AUDIT_WEBHOOK_URL === undefined) return null;
  if (prod && env.AUDIT_WEBHOOK_URL.protocol !== 'https:')
    fail(ctx, 'AUDIT_WEBHOOK_URL', 'must use https:// in production');
  if (env.AUDIT_WEBHOOK_SECRET === undefined)
    fail(ctx, 'AUDIT_WEBHOOK_SECRET', 'required with AUDIT_WEBHOOK_URL (at least 32 characters)');
  return {
    url: env.AUDIT_WEBHOOK_URL,
    secret: env.AUDIT_WEBHOOK_SECRET ?? '',
    batchMax: env.AUDIT_WEBHOOK_BATCH_MAX,
    flushSeconds: env.AUDIT_WEBHOOK_FLUSH_SECONDS,
    timeoutSeconds: env.AUDIT_WEBHOOK_TIMEOUT_SECONDS,
  };
}

export function defaultChainId(rackName: string): string {
  const id = `rgw-${rackName.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
  return id.slice(0, 64);
}

export function buildAudit(ctx: Ctx, rackName: string): Config['audit'] {
  const { env } = ctx;
  return {
    chainId: env.AUDIT_CHAIN_ID ?? defaultChainId(rackName),
    stdout: env.AUDIT_STDOUT,
    batchMaxEvents: env.AUDIT_BATCH_MAX_EVENTS,
    batchLingerMs: env.AUDIT_BATCH_LINGER_MS,
    readLingerMs: env.AUDIT_READ_LINGER_MS,
    partitionEvents: env.AUDIT_PARTITION_EVENTS,
    queueMax: env.AUDIT_QUEUE_MAX,
    appendTimeoutMs: env.AUDIT_APPEND_TIMEOUT_MS,
    verifyIntervalMinutes: env.AUDIT_VERIFY_INTERVAL_MINUTES,
    anchor: buildAnchor(ctx),
    captureMaxBytes: env.TERMINAL_CAPTURE_MAX_BYTES,
    captureRetentionDays: env.TERMINAL_CAPTURE_RETENTION_DAYS,
    webhook: buildWebhook(ctx),
  };
}

export function buildEmail(ctx: Ctx, publicUrl: URL): Config['email'] {
  const { env, prod } = ctx;
  if (env.SMTP_USER !== undefined && env.SMTP_PASSWORD === undefined)
    fail(ctx, 'SMTP_PASSWORD', 'required with SMTP_USER');
  const secure = env.SMTP_SECURE;
  if (prod && secure === 'none') fail(ctx, 'SMTP_SECURE', 'cannot be none in production');
  const hasSmtp = env.SMTP_URL !== undefined || env.SMTP_HOST !== undefined;
  return {
    smtpUrl: orNull(env.SMTP_URL),
    host: orNull(env.SMTP_HOST),
    port: env.SMTP_PORT,
    user: orNull(env.SMTP_USER),
    password: orNull(env.SMTP_PASSWORD),
    secure,
    from: env.EMAIL_FROM ?? `Rack Gateway <no-reply@${publicUrl.hostname}>`,
    replyTo: orNull(env.EMAIL_REPLY_TO),
    timeoutSeconds: env.SMTP_TIMEOUT_SECONDS,
    logOnly: env.EMAIL_LOG_ONLY ?? (!prod && !hasSmtp),
  };
}

export function buildIntegrations(ctx: Ctx): Config['integrations'] {
  const { env } = ctx;
  if (env.SLACK_CLIENT_ID !== undefined && env.SLACK_CLIENT_SECRET === undefined) {
    fail(ctx, 'SLACK_CLIENT_SECRET', 'required with SLACK_CLIENT_ID');
  }
  return {
    slack: {
      clientId: orNull(env.SLACK_CLIENT_ID),
      clientSecret: orNull(env.SLACK_CLIENT_SECRET),
      botToken: orNull(env.SLACK_BOT_TOKEN),
      apiUrl: env.SLACK_API_URL,
    },
    github: {
      token: orNull(env.GITHUB_TOKEN),
      apiUrl: env.GITHUB_API_URL,
    },
    circleci: {
      token: orNull(env.CIRCLECI_TOKEN),
      apiUrl: env.CIRCLECI_API_URL,
    },
  };
}

export function buildOps(ctx: Ctx): Pick<Config, 'jobs' | 'logging' | 'web' | 'demo'> {
  const { env, prod } = ctx;
  if (prod && env.WEB_DEV_SERVER_URL !== undefined)
    fail(ctx, 'WEB_DEV_SERVER_URL', 'only allowed with DEV_MODE=true');
  return {
    jobs: { enabled: env.JOBS_ENABLED, pollIntervalMs: env.JOBS_POLL_INTERVAL_MS },
    logging: {
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT ?? (prod ? 'json' : 'pretty'),
      requests: env.LOG_REQUESTS,
      debugTopics: env.DEBUG_TOPICS,
    },
    web: { devServerUrl: orNull(env.WEB_DEV_SERVER_URL) },
    demo: {
      mockIdpPort: env.MOCK_IDP_PORT,
      mockRackPort: env.MOCK_RACK_PORT,
      allowRemote: env.RGW_DEMO_ALLOW_REMOTE,
    },
  };
}
