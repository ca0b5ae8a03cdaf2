// cli.md §2–3, §4.2, §9: the config file (0600, atomic, unknown keys kept), rack/credential/app
// selection order, environment-only CI mode, the racks/switch/rack/rack-url commands and the
// expiry reminder.
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../src/config/config-file.js';
import { normaliseGatewayUrl } from '../src/config/gateway-url.js';
import { resolveApp, selectRack } from '../src/config/selection.js';
import { DEPLOYER } from './support/fake-gateway.js';
import {
  readConfig,
  type Stack,
  startStack,
  stopStack,
  tempDir,
  writeConfig,
} from './support/fixtures.js';
import { runCli } from './support/run-cli.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));

describe('config file', () => {
  it('is written atomically with mode 0600 in a 0700 directory, keeping unknown keys', () => {
    const dir = join(tempDir(), 'nested', 'rack-gateway');
    const store = new ConfigStore(dir, () => undefined);
    store.save({
      version: 1,
      racks: { a: { url: 'https://a.example.com', custom: 1 } },
      future: { x: 1 },
    });
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['config.json']);
    const loaded = store.load();
    expect(loaded.future).toEqual({ x: 1 });
    expect(loaded.racks.a?.custom).toBe(1);
  });

  it('tightens a group-readable file to 0600 with a warning', () => {
    const dir = tempDir();
    writeConfig(dir, { version: 1, racks: {} });
    chmodSync(join(dir, 'config.json'), 0o644);
    const warnings: string[] = [];
    new ConfigStore(dir, (w) => warnings.push(w)).load();
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(warnings[0]).toContain('was readable by other users (mode 644); changed it to 600');
  });

  it('reports invalid JSON with exit 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{nope', { mode: 0o600 });
    const res = await runCli(['racks'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not valid JSON');
  });

  it('lives under XDG_CONFIG_HOME, or --config-dir', async () => {
    const xdg = tempDir();
    const token = stack.gw.issue();
    const login = await runCli(['switch', 'nope'], { env: { XDG_CONFIG_HOME: xdg } });
    expect(login.code).toBe(5);
    writeConfig(join(xdg, 'rack-gateway'), {
      version: 1,
      current: 'x',
      racks: { x: { url: stack.gw.url, token } },
    });
    expect((await runCli(['racks'], { env: { XDG_CONFIG_HOME: xdg } })).stdout).toContain('x');
    const other = tempDir();
    writeConfig(other, { version: 1, racks: { y: { url: stack.gw.url } } });
    const flag = await runCli(['racks', '--config-dir', other], { env: { XDG_CONFIG_HOME: xdg } });
    expect(flag.stdout).toMatch(/^\s+y\s/m);
  });
});

describe('selection', () => {
  const config = {
    version: 1,
    current: 'c',
    racks: {
      a: { url: 'https://a.example.com' },
      b: { url: 'https://b.example.com' },
      c: { url: 'https://c.example.com' },
    },
  };
  const pair = { RACK_GATEWAY_URL: 'https://ci.example.com', RACK_GATEWAY_API_TOKEN: 'rgw_x' };

  it('--rack beats RACK_GATEWAY_RACK beats the environment pair beats current', () => {
    expect(selectRack(config, { RACK_GATEWAY_RACK: 'b', ...pair }, 'a').name).toBe('a');
    expect(selectRack(config, { RACK_GATEWAY_RACK: 'b', ...pair }, undefined).name).toBe('b');
    expect(selectRack(config, pair, undefined)).toMatchObject({
      name: 'ci.example.com',
      url: 'https://ci.example.com',
    });
    expect(selectRack(config, {}, undefined).name).toBe('c');
  });

  it('an unknown --rack is an error unless the environment pair defines the rack', () => {
    expect(() => selectRack(config, {}, 'zz')).toThrow('Unknown rack "zz"');
    expect(selectRack(config, pair, 'zz')).toMatchObject({
      name: 'zz',
      url: 'https://ci.example.com',
    });
  });

  it('RACK_GATEWAY_URL overrides the stored URL', () => {
    expect(selectRack(config, { RACK_GATEWAY_URL: 'https://other.example.com' }, 'a').url).toBe(
      'https://other.example.com',
    );
  });

  it('the app comes from -a, RACK_GATEWAY_APP, CONVOX_APP, .convox/app upwards, the directory', () => {
    const root = tempDir();
    const deep = join(root, 'shop', 'src', 'deep');
    mkdirSync(join(root, 'shop', '.convox'), { recursive: true });
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, 'shop', '.convox', 'app'), ' storefront \n');
    const envs = { RACK_GATEWAY_APP: 'one', CONVOX_APP: 'two' };
    expect(resolveApp(envs, deep, 'flag').app).toBe('flag');
    expect(resolveApp(envs, deep, undefined).app).toBe('one');
    expect(resolveApp({ CONVOX_APP: 'two' }, deep, undefined).app).toBe('two');
    expect(resolveApp({}, deep, undefined)).toMatchObject({ app: 'storefront' });
    expect(resolveApp({}, root, undefined).app).toBe(root.split('/').at(-1));
  });

  it('CI mode: only RACK_GATEWAY_URL + RACK_GATEWAY_API_TOKEN, no config written', async () => {
    const dir = join(tempDir(), 'never');
    const token = stack.gw.issue(DEPLOYER, 'api_token');
    const env = {
      RACK_GATEWAY_CONFIG_DIR: dir,
      RACK_GATEWAY_URL: stack.gw.url,
      RACK_GATEWAY_API_TOKEN: token,
    };
    const res = await runCli(['ps', '-a', 'storefront'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('npm start');
    expect((await runCli(['rack'], { env })).stdout).toContain(
      'Using RACK_GATEWAY_API_TOKEN from environment',
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('normalises gateway URLs and refuses http:// off loopback', () => {
    expect(normaliseGatewayUrl('gw.example.com/')).toBe('https://gw.example.com');
    expect(normaliseGatewayUrl('http://localhost:8447/')).toBe('http://localhost:8447');
    expect(() => normaliseGatewayUrl('http://gw.example.com')).toThrow('must use https://');
  });
});

describe('racks, switch, rack, rack-url', () => {
  let dir: string;
  let token: string;
  beforeEach(() => {
    dir = tempDir();
    token = stack.gw.issue();
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
    writeConfig(dir, {
      version: 1,
      current: 'prod',
      racks: {
        staging: { url: 'https://staging.example.com' },
        prod: {
          url: stack.gw.url,
          token,
          email: 'deployer@example.com',
          expires_at: expires,
          expires_checked_at: new Date().toISOString(),
        },
      },
    });
  });

  it('racks lists configured racks sorted, marking the current one', async () => {
    const res = await runCli(['racks'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CURRENT {2}NAME {5}URL\s+USER\s+EXPIRES$/);
    expect(lines[1]).toMatch(
      /^\*\s+prod\s+http:\/\/127\.0\.0\.1:\d+\s+deployer@example\.com\s+\d{4}-/,
    );
    expect(lines[2]).toBe('         staging  https://staging.example.com');
  });

  it('switch changes the current rack; an unknown one exits 5 listing the names', async () => {
    const env = { RACK_GATEWAY_CONFIG_DIR: dir };
    expect((await runCli(['switch', 'staging'], { env })).stdout).toBe('✓ Switched to staging\n');
    expect(readConfig(dir).current).toBe('staging');
    expect((await runCli(['rack'], { env })).stdout).toContain('Status   Not logged in');
    const bad = await runCli(['switch', 'nope'], { env });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toBe('Error: Unknown rack "nope"\nHint: Configured racks: prod, staging\n');
  });

  it('rack shows the login status and refreshes the expiry from /info', async () => {
    const res = await runCli(['rack'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    expect(res.stdout).toContain('Status   Logged in as deployer@example.com');
    const stored = String(readConfig(dir).racks.prod?.expires_at);
    expect(Date.parse(stored)).toBeGreaterThan(Date.now() + 80 * 86_400_000);
  });

  it('rack-url prints a RACK_URL with the credential; --export and --shell pick the syntax', async () => {
    const env = { RACK_GATEWAY_CONFIG_DIR: dir };
    const port = new URL(stack.gw.url).port;
    const plain = await runCli(['rack-url'], { env });
    expect(plain.stdout).toBe(`http://convox:${token}@127.0.0.1:${port}/api/v1/rack-proxy\n`);
    expect(plain.stderr).toBe('');
    expect((await runCli(['env-url', '--export'], { env })).stdout).toMatch(
      /^export RACK_URL='http:\/\/convox:/,
    );
    expect((await runCli(['rack-url', '--shell', 'fish'], { env })).stdout).toMatch(
      /^set -gx RACK_URL '/,
    );
    const tty = await runCli(['rack-url'], { env, stdoutTTY: true });
    expect(tty.stderr).toContain('this URL contains your credential');
  });

  it('completion scripts cover commands and read rack names through __complete', async () => {
    const env = { RACK_GATEWAY_CONFIG_DIR: dir };
    const bash = await runCli(['completion', 'bash'], { env });
    expect(bash.stdout).toContain('complete -F _rack_gateway rack-gateway');
    expect(bash.stdout).toContain('"env") words="get set unset');
    expect((await runCli(['completion', 'fish'], { env })).stdout).toContain('__complete racks');
    expect((await runCli(['completion', 'zsh'], { env })).stdout).toContain(
      '#compdef rack-gateway',
    );
    expect((await runCli(['__complete', 'racks'], { env })).stdout).toBe('prod\nstaging\n');
    expect((await runCli(['completion', 'tcsh'], { env })).code).toBe(2);
  });
});

describe('expiry reminder', () => {
  it('warns once per 24 h when the session ends within 7 days', async () => {
    const dir = tempDir();
    const token = stack.gw.issue(DEPLOYER, 'session', 3 * 86_400_000 + 3_600_000);
    writeConfig(dir, {
      version: 1,
      current: 'demo',
      racks: { demo: { url: stack.gw.url, token } },
    });
    const env = { RACK_GATEWAY_CONFIG_DIR: dir };
    const first = await runCli(['apps'], { env });
    expect(first.stderr).toMatch(
      /^Warning: your session for demo expires in 4 days \(.+ UTC\)\. Run: rack-gateway login demo\n$/,
    );
    expect((await runCli(['apps'], { env })).stderr).toBe('');
    const later = () => new Date(Date.now() + 25 * 3_600_000);
    expect((await runCli(['apps'], { env, now: later })).stderr).toContain('expires in 2 days');
    const off = await runCli(['apps'], {
      env: { ...env, RACK_GATEWAY_NO_EXPIRY_WARNING: '1' },
      now: () => new Date(Date.now() + 50 * 3_600_000),
    });
    expect(off.stderr).toBe('');
  });
});
