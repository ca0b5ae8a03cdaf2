// cli.md §6: the convox commands through a gateway's rack proxy against the mock rack: tables and
// info blocks shaped like convox, --json equal to the rack's documents, waits and flows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loggedIn, type Stack, startStack, stopStack } from './support/fixtures.js';
import { runCli, startCli, until } from './support/run-cli.js';

let stack: Stack;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  stack.rack.reset();
  env = { RACK_GATEWAY_CONFIG_DIR: loggedIn(stack.gw).dir };
});

async function rackDocument(path: string): Promise<string> {
  const auth = Buffer.from(`convox:${stack.rack.password}`).toString('base64');
  const res = await fetch(`${stack.rack.url}${path}`, {
    headers: { Authorization: `Basic ${auth}`, Accept: 'application/json' },
  });
  return res.text();
}

describe('apps', () => {
  it('prints a convox-style table', async () => {
    const res = await runCli(['apps'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'APP          STATUS   RELEASE',
        'billing-api  running  RBILLINGAAB',
        'docs         running  RDOCSAAAAAA',
        'storefront   running  RSTOREFAAAD',
        '',
      ].join('\n'),
    );
    expect(res.stderr).toBe('');
  });

  it('--json prints the rack document as received', async () => {
    const res = await runCli(['apps', '--json'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(await rackDocument('/apps'));
    expect(JSON.parse(res.stdout)).toEqual(JSON.parse(await rackDocument('/apps')));
  });

  it('sends the rack client headers through the proxy', async () => {
    await runCli(['apps'], { env });
    const sent = stack.gw.requests.filter((r) => r.path === '/api/v1/rack-proxy/apps').at(-1);
    expect(sent?.headers['user-agent']).toMatch(/^rack-gateway\/\d+\.\d+\.\d+$/);
    expect(sent?.headers.accept).toBe('application/json');
    const basic = Buffer.from(String(sent?.headers.authorization).slice(6), 'base64').toString();
    expect(basic.startsWith('convox:')).toBe(true);
  });

  it('--debug prints request lines on stderr without credentials', async () => {
    const res = await runCli(['apps', '--debug'], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`debug: GET ${stack.gw.url}/api/v1/rack-proxy/apps?\n`);
    const token = String(stack.gw.requests.at(-1)?.headers.authorization);
    expect(res.stderr).not.toContain(Buffer.from(token.slice(6), 'base64').toString().slice(7));
  });

  it('apps info prints an info block', async () => {
    const res = await runCli(['apps', 'info', 'storefront'], { env });
    expect(res.stdout).toBe(
      [
        'Name        storefront',
        'Status      running',
        'Generation  3',
        'Locked      false',
        'Release     RSTOREFAAAD',
        'Router      router.mock-rack.example.com',
        '',
      ].join('\n'),
    );
  });

  it('apps create waits until running; apps delete --yes waits until gone', async () => {
    const created = await runCli(['apps', 'create', 'checkout'], { env });
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('Creating checkout... OK\n');
    const deleted = await runCli(['apps', 'delete', 'checkout', '--yes'], { env });
    expect(deleted.stderr).toBe('Deleting checkout... OK\n');
    expect((await runCli(['apps', 'info', 'checkout'], { env })).code).toBe(5);
  });

  it('apps delete asks for the app name on a terminal and refuses a wrong answer', async () => {
    const res = await runCli(['apps', 'delete', 'docs'], { env, stdinTTY: true, stdin: 'nope\r' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Error: Deletion cancelled');
    expect((await runCli(['apps', 'info', 'docs'], { env })).code).toBe(0);
  });

  it('a missing app exits 5 with a clear line', async () => {
    const res = await runCli(['apps', 'info', 'shop'], { env });
    expect(res.code).toBe(5);
    expect(res.stderr).toBe('Error: App "shop" not found\n');
  });
});

describe('processes, scale, restart, rack', () => {
  it('ps lists processes with convox columns; --json equals the rack document', async () => {
    const res = await runCli(['ps', '-a', 'storefront'], { env });
    const [header, ...rows] = res.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+SERVICE\s+STATUS\s+RELEASE\s+STARTED\s+COMMAND$/);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^web-\S+\s+web\s+running\s+RSTOREFAAAD\s+.+ ago\s+npm start$/);
    const json = await runCli(['ps', '-a', 'storefront', '--json'], { env });
    expect(json.stdout).toBe(await rackDocument('/apps/storefront/processes'));
  });

  it('ps stop stops one process', async () => {
    const pid = JSON.parse((await runCli(['ps', '-a', 'storefront', '--json'], { env })).stdout)[0]
      .id;
    const res = await runCli(['ps', 'stop', pid, '-a', 'storefront'], { env });
    expect(res).toMatchObject({ code: 0, stdout: '', stderr: `Stopping ${pid}... OK\n` });
    expect((await runCli(['ps', '-a', 'storefront'], { env })).stdout).not.toContain(pid);
  });

  it('scale shows services; scale web --count 3 rolls out', async () => {
    const table = await runCli(['scale', '-a', 'storefront'], { env });
    expect(table.stdout.split('\n')[0]).toBe('SERVICE  DESIRED  RUNNING  CPU  MEMORY');
    expect(table.stdout).toContain('web      2        2        256  512');
    const res = await runCli(['scale', 'web', '--count', '3', '-a', 'storefront'], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('Scaling web... OK\n');
    expect((await runCli(['scale', '-a', 'storefront'], { env })).stdout).toContain(
      'web      3        3',
    );
  });

  it('scale validates its arguments before any request (exit 2)', async () => {
    const before = stack.gw.requests.length;
    expect((await runCli(['scale', '--count', '3', '-a', 'storefront'], { env })).code).toBe(2);
    expect((await runCli(['scale', 'web', '-a', 'storefront', '--count', 'x'], { env })).code).toBe(
      2,
    );
    expect(stack.gw.requests.length).toBe(before);
  });

  it('restart restarts every service by name', async () => {
    const res = await runCli(['restart', '-a', 'storefront'], { env });
    expect(res.stderr).toBe('Restarting web... OK\nRestarting worker... OK\n');
  });

  it('rack info prints the system', async () => {
    const res = await runCli(['rack', 'info'], { env });
    expect(res.stdout).toContain('Name            mock-rack');
    expect(res.stdout).toContain('Version         3.24.6');
  });
});

describe('builds and releases', () => {
  it('releases marks the active release', async () => {
    const res = await runCli(['releases', '-a', 'storefront'], { env });
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+BUILD\s+CREATED\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(
      /^RSTOREFAAAD\s+active\s+BSTOREFAAAC\s+.+ago\s+env add:FEATURE_CHECKOUT_V2$/,
    );
    expect(lines[2]).toMatch(/^RSTOREFAAAC\s{2,}BSTOREFAAAC/);
  });

  it('releases info shows the env masked as returned', async () => {
    const res = await runCli(['releases', 'info', 'RSTOREFAAAD', '-a', 'storefront'], { env });
    expect(res.stdout).toMatch(/^Id\s+RSTOREFAAAD$/m);
    expect(res.stdout).toMatch(/^Env\s+AWS_ACCESS_KEY_ID=/m);
    expect(res.stdout).toMatch(/^\s{13}LOG_LEVEL=info$/m);
  });

  it('builds and builds info', async () => {
    const list = await runCli(['builds', '-a', 'storefront'], { env });
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID\s+STATUS\s+RELEASE\s+STARTED\s+ELAPSED\s+DESCRIPTION$/,
    );
    expect(list.stdout).toMatch(
      /^BSTOREFAAAC\s+complete\s+RSTOREFAAAC\s+.+ago\s+\d+m\d+s\s+build /m,
    );
    const info = await runCli(['builds', 'info', 'BSTOREFAAAC', '-a', 'storefront'], { env });
    expect(info.stdout).toMatch(/^Status\s+complete$/m);
    const logs = await runCli(['builds', 'logs', 'BSTOREFAAAC', '-a', 'storefront'], { env });
    expect(logs.stdout).toContain('Build complete: BSTOREFAAAC');
  });

  it('releases promote without id promotes the newest release and waits', async () => {
    const res = await runCli(['releases', 'promote', '-a', 'billing-api'], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('Promoting RBILLINGAAC... ');
    expect(res.stderr.trimEnd().endsWith('OK')).toBe(true);
    expect((await runCli(['apps', 'info', 'billing-api'], { env })).stdout).toMatch(
      /^Release\s+RBILLINGAAC$/m,
    );
  });

  it('a rollback ends with exit 1', async () => {
    // A promote that takes a moment, so that the polls see the app leave `running`.
    stack.rack.reset({ timings: { preset: 'instant', promote: 100 } });
    stack.rack.faults.add({
      match: { app: 'billing-api' },
      effect: { promoteOutcome: 'rollback' },
    });
    const res = await runCli(['releases', 'promote', 'RBILLINGAAC', '-a', 'billing-api'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Error: Promotion rolled back');
  });
});

describe('logs', () => {
  it('without -f prints the selection and ends', async () => {
    const res = await runCli(['logs', '-a', 'storefront', '--since', '1d'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+Z service\/web\/web-\S+ /m);
    const sent = stack.rack.requests
      .list()
      .filter((r) => r.path === '/apps/storefront/logs')
      .at(-1);
    expect(sent?.headers).toMatchObject({ prefix: 'true', follow: 'false', since: '24h0m0s' });
  });

  it('-f streams new lines until Ctrl-C and exits 0', async () => {
    const run = startCli(['logs', '-f', '-a', 'storefront'], { env });
    await until(
      () =>
        stack.rack.requests
          .list()
          .some((r) => r.path === '/apps/storefront/logs' && r.method === 'SOCKET'),
      'the log socket',
    );
    await until(() => {
      stack.rack.appendLogs({ app: 'storefront', service: 'web', lines: ['hello from the test'] });
      return run.stdout().includes('hello from the test');
    }, 'the appended line');
    run.interrupt();
    const res = await run.result;
    expect(res.code).toBe(0);
  });

  it('rejects a bad --since before any request (exit 2)', async () => {
    const res = await runCli(['logs', '--since', '5 minutes', '-a', 'storefront'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      "Error: option '--since <duration>' argument '5 minutes' is invalid",
    );
  });
});
