// Contract: the client against the mock rack for app, service, process, instance and system routes.
import { expect, it } from 'vitest';
import { RackForbiddenError, RackHttpError, RackNotFoundError } from '../src/index.js';
import { describeRoute, lastRouted, useRack } from './support/rack.js';

const rack = useRack();

describeRoute('apps.list', () => {
  it('lists the seeded apps sorted by name', async () => {
    const apps = await rack.client.listApps();
    expect(apps.map((a) => a.name)).toEqual(['billing-api', 'docs', 'storefront']);
    expect(lastRouted(rack, 'apps.list').hasQueryMark).toBe(true);
  });
});

describeRoute('apps.create', () => {
  it('creates an app that becomes running after the transition', async () => {
    const app = await rack.client.createApp('checkout', { generation: '3' });
    expect(app).toMatchObject({ name: 'checkout', status: 'updating', release: '' });
    expect(lastRouted(rack, 'apps.create').form).toEqual({ generation: ['3'], name: ['checkout'] });
    rack.clock.runAll();
    expect((await rack.client.getApp('checkout')).status).toBe('running');
  });

  it('reports the rack errors for reserved, invalid and existing names', async () => {
    await expect(rack.client.createApp('system')).rejects.toThrow('app name is reserved');
    await expect(rack.client.createApp('Bad_Name')).rejects.toThrow('invalid app name: Bad_Name');
    const err = await rack.client.createApp('docs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RackHttpError);
    expect(err).toMatchObject({ status: 409, message: 'app already exists: docs' });
  });
});

describeRoute('apps.get', () => {
  it('reads an app and types the 404', async () => {
    expect(await rack.client.getApp('storefront')).toMatchObject({
      generation: '3',
      locked: false,
      release: 'RSTOREFAAAD',
      parameters: {},
    });
    const err = await rack.client.getApp('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RackNotFoundError);
    expect((err as Error).message).toBe('app not found: nope');
  });
});

describeRoute('apps.update', () => {
  it('locks the app and merges parameters sent as one form value', async () => {
    await rack.client.updateApp('storefront', { lock: true, parameters: { Foo: '1', Bar: '2' } });
    expect(lastRouted(rack, 'apps.update').form).toEqual({
      lock: ['true'],
      parameters: ['Bar=2&Foo=1'],
    });
    expect(await rack.client.getApp('storefront')).toMatchObject({
      locked: true,
      parameters: { Bar: '2', Foo: '1' },
    });
  });
});

describeRoute('apps.delete', () => {
  it('refuses a locked app and deletes an unlocked one', async () => {
    await expect(rack.client.deleteApp('docs')).rejects.toMatchObject({ status: 409 });
    await rack.client.deleteApp('storefront');
    expect((await rack.client.getApp('storefront')).status).toBe('deleting');
    rack.clock.runAll();
    await expect(rack.client.getApp('storefront')).rejects.toThrow('app not found: storefront');
  });
});

describeRoute('apps.restart', () => {
  it('replaces the pods of every service', async () => {
    const before = (await rack.client.listProcesses('storefront')).map((p) => p.id);
    await rack.client.restartApp('storefront');
    rack.clock.runAll();
    const after = (await rack.client.listProcesses('storefront')).map((p) => p.id);
    expect(after).toHaveLength(before.length);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
  });
});

describeRoute('services.list', () => {
  it('lists services with ports and domains', async () => {
    const services = await rack.client.listServices('storefront');
    expect(services.map((s) => [s.name, s.count, s.cpu, s.memory])).toEqual([
      ['web', 2, 256, 512],
      ['worker', 1, 256, 1024],
    ]);
    expect(services[0]?.ports).toEqual([{ balancer: 443, certificate: '', container: 3000 }]);
    expect(services[1]?.ports).toEqual([]);
    expect(services[0]?.nlb).toBeNull();
  });
});

describeRoute('services.update', () => {
  it('scales a service and the processes follow', async () => {
    await rack.client.updateService('storefront', 'web', { count: 3, memory: 1024 });
    expect(lastRouted(rack, 'services.update').form).toEqual({ count: ['3'], memory: ['1024'] });
    expect((await rack.client.getApp('storefront')).status).toBe('updating');
    rack.clock.runAll();
    const web = await rack.client.listProcesses('storefront', { service: 'web' });
    expect(web).toHaveLength(3);
    await expect(rack.client.updateService('storefront', 'nope', { count: 1 })).rejects.toThrow(
      'service not found: nope',
    );
  });
});

describeRoute('services.restart', () => {
  it('replaces only that service’s pods', async () => {
    const worker = (await rack.client.listProcesses('storefront', { service: 'worker' }))[0];
    await rack.client.restartService('storefront', 'web');
    rack.clock.runAll();
    const after = await rack.client.listProcesses('storefront');
    expect(after.map((p) => p.id)).toContain(worker?.id);
    expect(after.filter((p) => p.name === 'web')).toHaveLength(2);
  });
});

describeRoute('processes.run', () => {
  it('starts a run pod from header options', async () => {
    const pod = await rack.client.runProcess('storefront', 'web', {
      command: 'sleep 3600',
      height: 40,
      width: 120,
    });
    expect(pod).toMatchObject({ status: 'pending', command: 'sleep 3600', name: 'web' });
    expect(pod.id).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const entry = lastRouted(rack, 'processes.run');
    expect(entry.headers).toMatchObject({ command: 'sleep 3600', height: '40', width: '120' });
    expect(entry.headers['content-type']).toBe('application/octet-stream');
    rack.clock.advance(0);
    expect((await rack.client.getProcess('storefront', pod.id)).status).toBe('running');
  });

  it('rejects a multi-line command before sending', async () => {
    const seen = rack.mock.requests.list().length;
    await expect(
      rack.client.runProcess('storefront', 'web', { command: 'echo a\necho b' }),
    ).rejects.toThrow(/Command header cannot contain a line break/);
    expect(rack.mock.requests.list()).toHaveLength(seen);
  });
});

describeRoute('processes.list', () => {
  it('filters by service and release through the query', async () => {
    const all = await rack.client.listProcesses('billing-api');
    expect(all.map((p) => p.name)).toEqual(['clock', 'web', 'web', 'web', 'worker', 'worker']);
    const web = await rack.client.listProcesses('billing-api', {
      service: 'web',
      release: 'RBILLINGAAB',
    });
    expect(web).toHaveLength(3);
    expect(lastRouted(rack, 'processes.list').rawQuery).toBe('release=RBILLINGAAB&service=web');
  });
});

describeRoute('processes.get', () => {
  it('reads a process with its typed fields', async () => {
    const [first] = await rack.client.listProcesses('storefront', { service: 'web' });
    const pod = await rack.client.getProcess('storefront', first?.id ?? '');
    expect(pod.ports).toEqual(['3000']);
    expect(pod.image).toBe('registry.example.com/storefront:web.BSTOREFAAAC');
    expect(pod.started.toJSON()).toMatch(/^2025-01-14T/);
    await expect(rack.client.getProcess('storefront', 'web-nope')).rejects.toThrow(
      'process not found: web-nope',
    );
  });
});

describeRoute('processes.stop', () => {
  it('removes a service pod and a replacement appears', async () => {
    const [first] = await rack.client.listProcesses('storefront', { service: 'worker' });
    await rack.client.stopProcess('storefront', first?.id ?? '');
    expect(await rack.client.listProcesses('storefront', { service: 'worker' })).toEqual([]);
    rack.clock.runAll();
    const [replacement] = await rack.client.listProcesses('storefront', { service: 'worker' });
    expect(replacement?.id).not.toBe(first?.id);
  });
});

describeRoute('instances.list', () => {
  it('lists the three nodes with their process counts', async () => {
    const instances = await rack.client.listInstances();
    expect(instances.map((i) => i.privateIp)).toEqual(['10.1.12.34', '10.1.45.67', '10.1.78.90']);
    expect(instances.reduce((n, i) => n + i.processes, 0)).toBe(10);
  });
});

describeRoute('instances.get', () => {
  it('reads one node or answers 404', async () => {
    const node = await rack.client.getInstance('ip-10-1-12-34.ec2.internal');
    expect(node).toMatchObject({ cpuCapacity: 2, memoryCapacity: 7936, status: 'running' });
    await expect(rack.client.getInstance('i-nope')).rejects.toThrow('instance not found: i-nope');
  });
});

describeRoute('system.get', () => {
  it('reads the rack', async () => {
    expect(await rack.client.getSystem()).toMatchObject({
      name: 'mock-rack',
      provider: 'aws',
      version: '3.24.6',
      rackDomain: 'api.mock-rack.example.com',
      outputs: {},
    });
  });
});

describeRoute('system.capacity', () => {
  it('reads capacity totals', async () => {
    expect(await rack.client.getSystemCapacity()).toMatchObject({
      clusterCpu: 6000,
      processCount: 10,
    });
  });
});

describeRoute('system.metrics', () => {
  it('reads an empty metric list', async () => {
    expect(await rack.client.getSystemMetrics()).toEqual([]);
  });
});

describeRoute('system.processes', () => {
  it('lists rack processes', async () => {
    const pods = await rack.client.listSystemProcesses({ all: true });
    expect(pods.map((p) => p.name)).toEqual(['api', 'api', 'atom', 'resolver', 'router']);
    expect(lastRouted(rack, 'system.processes').rawQuery).toBe('all=true');
  });
});

describeRoute('system.releases', () => {
  it('lists rack versions', async () => {
    const releases = await rack.client.listSystemReleases();
    expect(releases.map((r) => r.id)).toEqual(['3.24.6', '3.24.5', '3.23.2']);
  });
});

describeRoute('system.update', () => {
  it('applies parameters and version', async () => {
    await rack.client.updateSystem({ parameters: { node_type: 't3.xlarge' }, version: '3.24.7' });
    rack.clock.runAll();
    const system = await rack.client.getSystem();
    expect(system.version).toBe('3.24.7');
    expect(system.parameters.node_type).toBe('t3.xlarge');
  });
});

it('types 403 errors from the rack', async () => {
  await rack.client.updateService('storefront', 'web', { count: 3 });
  const err = await rack.client
    .promoteRelease('storefront', 'RSTOREFAAAD')
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RackForbiddenError);
  expect((err as Error).message).toBe('app is currently updating');
});
