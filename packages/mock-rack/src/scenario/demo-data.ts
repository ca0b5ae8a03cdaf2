// The `demo` scenario's apps (mock-rack.md §5) as data. All values are fake: anything that looks
// like a secret or a host contains `mock` or `example.com`.

export interface SeedService {
  readonly name: string;
  readonly count: number;
  readonly cpu: number;
  readonly memory: number;
  readonly port?: number;
  readonly command: string;
}

export interface SeedBuild {
  readonly id: string;
  readonly release: string;
  /** Hours before the start time. */
  readonly hoursAgo: number;
  readonly subject: string;
}

export interface SeedApp {
  readonly name: string;
  readonly locked: boolean;
  readonly services: readonly SeedService[];
  readonly builds: readonly SeedBuild[];
  readonly env: Readonly<Record<string, string>>;
  /** An env-only release on top of the last build. */
  readonly envRelease?: {
    readonly id: string;
    readonly hoursAgo: number;
    readonly set: Readonly<Record<string, string>>;
  };
  readonly current: string;
  /** Services build from source (`build: .`) unless they use an image. */
  readonly images: boolean;
}

export const DEMO_APPS: readonly SeedApp[] = [
  {
    name: 'storefront',
    locked: false,
    services: [
      { name: 'web', count: 2, cpu: 256, memory: 512, port: 3000, command: 'npm start' },
      { name: 'worker', count: 1, cpu: 256, memory: 1024, command: 'node worker.js' },
    ],
    builds: [
      { id: 'BSTOREFAAAA', release: 'RSTOREFAAAA', hoursAgo: 72, subject: 'Add product search' },
      { id: 'BSTOREFAAAB', release: 'RSTOREFAAAB', hoursAgo: 48, subject: 'Fix cart totals' },
      { id: 'BSTOREFAAAC', release: 'RSTOREFAAAC', hoursAgo: 24, subject: 'Checkout v2 flag' },
    ],
    env: {
      AWS_ACCESS_KEY_ID: 'AKIAMOCKSTOREFRONT01',
      AWS_SECRET_ACCESS_KEY: 'mock/aws/secret/storefront',
      DATABASE_URL: 'postgres://storefront:mock-db-password@db.internal:5432/storefront',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      PORT: '3000',
      REDIS_URL: 'redis://cache.internal:6379/0',
      SECRET_KEY_BASE: 'mock-secret-key-base-0123456789abcdef',
      STRIPE_API_KEY: 'sk_test_mock_storefront',
    },
    envRelease: { id: 'RSTOREFAAAD', hoursAgo: 23, set: { FEATURE_CHECKOUT_V2: 'true' } },
    current: 'RSTOREFAAAD',
    images: false,
  },
  {
    name: 'billing-api',
    locked: false,
    services: [
      { name: 'clock', count: 1, cpu: 128, memory: 256, command: 'bin/clock' },
      { name: 'web', count: 3, cpu: 512, memory: 1024, port: 8080, command: 'bin/web' },
      { name: 'worker', count: 2, cpu: 256, memory: 512, command: 'bin/worker' },
    ],
    builds: [
      { id: 'BBILLINGAAA', release: 'RBILLINGAAA', hoursAgo: 120, subject: 'Invoice API' },
      { id: 'BBILLINGAAB', release: 'RBILLINGAAB', hoursAgo: 6, subject: 'Retry webhooks' },
    ],
    env: {
      DATABASE_URL: 'postgres://billing:mock-db-password@db.internal:5432/billing',
      JWT_SIGNING_KEY: 'mock-jwt-signing-key',
      LOG_LEVEL: 'info',
      PORT: '8080',
      RAILS_ENV: 'production',
      RAILS_MASTER_KEY: 'mock-rails-master-key',
      SENTRY_DSN: 'https://public@sentry.example.com/42',
      STRIPE_WEBHOOK_SECRET: 'whsec_mock_billing',
    },
    envRelease: { id: 'RBILLINGAAC', hoursAgo: 1, set: { LOG_LEVEL: 'debug' } },
    current: 'RBILLINGAAB',
    images: true,
  },
  {
    name: 'docs',
    locked: true,
    services: [
      {
        name: 'web',
        count: 1,
        cpu: 128,
        memory: 256,
        port: 4000,
        command: "nginx -g 'daemon off;'",
      },
    ],
    builds: [
      { id: 'BDOCSAAAAAA', release: 'RDOCSAAAAAA', hoursAgo: 240, subject: 'Publish API docs' },
    ],
    env: {
      ALGOLIA_API_KEY: 'mock-algolia-key',
      PORT: '4000',
      SITE_URL: 'https://docs.example.com',
    },
    current: 'RDOCSAAAAAA',
    images: false,
  },
];

/** The convox.yml of a seed build. */
export function seedManifest(app: SeedApp, gitSha: string): string {
  const lines = ['services:'];
  for (const svc of app.services) {
    lines.push(`  ${svc.name}:`);
    if (app.images) lines.push(`    image: registry.example.com/${app.name}:${gitSha}-amd64`);
    else lines.push('    build: .');
    if (app.images || svc.command !== 'npm start') lines.push(`    command: ${svc.command}`);
    if (svc.port) lines.push(`    port: ${svc.port}`);
    lines.push(
      '    scale:',
      `      count: ${svc.count}`,
      `      cpu: ${svc.cpu}`,
      `      memory: ${svc.memory}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
