// Contract: builds, releases and objects through the client against the mock rack.
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { RackTime, type UploadProgress } from '../src/index.js';
import { APP_MANIFEST, tgz } from './support/archive.js';
import { describeRoute, lastRouted, useRack } from './support/rack.js';

const rack = useRack();

const SOURCE = tgz({ 'convox.yml': APP_MANIFEST, 'src/index.js': 'console.log(1)\n' });

async function uploadSource(archive = SOURCE): Promise<string> {
  return (await rack.client.uploadObject('storefront', Readable.from([archive]))).url;
}

async function finishedBuild(url: string) {
  const build = await rack.client.createBuild('storefront', { url, description: 'build abc test' });
  rack.clock.runAll();
  return rack.client.getBuild('storefront', build.id);
}

describeRoute('objects.upload', () => {
  it('streams the body in chunks and reports progress', async () => {
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2), Buffer.alloc(10, 3)];
    const progress: UploadProgress[] = [];
    const object = await rack.client.uploadObject('storefront', Readable.from(chunks), {
      name: 'app.tgz',
      onProgress: (p) => progress.push(p),
    });
    expect(object.url).toBe('object://storefront/tmp/app.tgz');
    expect(progress.map((p) => p.sentBytes)).toEqual([70_000, 140_000, 140_010]);
    const entry = lastRouted(rack, 'objects.upload');
    expect(entry.bodyBytes).toBe(140_010);
    expect(entry.headers['transfer-encoding']).toBe('chunked');
    expect(entry.headers['content-type']).toBe('application/octet-stream');
  });

  it('sends Content-Length and the Public header when asked', async () => {
    await rack.client.uploadObject('storefront', Readable.from([SOURCE]), {
      size: SOURCE.length,
      public: false,
    });
    const entry = lastRouted(rack, 'objects.upload');
    expect(entry.headers['content-length']).toBe(String(SOURCE.length));
    expect(entry.headers.public).toBe('false');
    expect(entry.path).toMatch(/^\/apps\/storefront\/objects\/tmp\/[0-9a-f]{30}\.tgz$/);
  });
});

describeRoute('builds.create', () => {
  it('creates a build from an object; it completes with a release', async () => {
    const url = await uploadSource();
    const build = await rack.client.createBuild('storefront', {
      url,
      description: 'build 0123456789 Ship it',
      gitSha: 'a'.repeat(40),
      buildArgs: ['A=1', 'B=2'],
      noCache: true,
    });
    expect(build).toMatchObject({ status: 'created', release: '', manifest: APP_MANIFEST });
    expect(build.ended.isZero()).toBe(true);
    expect(lastRouted(rack, 'builds.create').form).toMatchObject({
      'build-args': ['A=1,B=2'],
      'no-cache': ['true'],
    });
    rack.clock.runAll();
    const done = await rack.client.getBuild('storefront', build.id);
    expect(done.status).toBe('complete');
    const release = await rack.client.getRelease('storefront', done.release);
    const previous = await rack.client.getRelease('storefront', 'RSTOREFAAAD');
    expect(release).toMatchObject({ build: build.id, env: previous.env, manifest: APP_MANIFEST });
  });

  it('fails a build whose archive has no manifest', async () => {
    const done = await finishedBuild(await uploadSource(tgz({ 'index.js': '' })));
    expect(done).toMatchObject({ status: 'failed', reason: 'manifest not found: convox.yml' });
  });

  it('answers 404 for an unknown object', async () => {
    await expect(
      rack.client.createBuild('storefront', { url: 'object://storefront/tmp/none.tgz' }),
    ).rejects.toThrow('object not found: tmp/none.tgz');
  });
});

describeRoute('builds.import', () => {
  it('imports a raw archive body', async () => {
    const build = await rack.client.importBuild('storefront', SOURCE, SOURCE.length);
    expect(build.status).toBe('created');
    expect(lastRouted(rack, 'builds.import').bodyBytes).toBe(SOURCE.length);
  });
});

describeRoute('builds.export', () => {
  it('streams the build’s source archive back', async () => {
    const build = await rack.client.importBuild('storefront', SOURCE);
    const chunks: Buffer[] = [];
    for await (const chunk of await rack.client.exportBuild('storefront', build.id))
      chunks.push(chunk as Buffer);
    expect(gunzipSync(Buffer.concat(chunks)).includes('services:')).toBe(true);
  });
});

describeRoute('builds.list', () => {
  it('lists newest first with a limit', async () => {
    const builds = await rack.client.listBuilds('storefront', { limit: 2 });
    expect(builds.map((b) => b.id)).toEqual(['BSTOREFAAAC', 'BSTOREFAAAB']);
    expect(lastRouted(rack, 'builds.list').rawQuery).toBe('limit=2');
    expect(await rack.client.listBuilds('storefront')).toHaveLength(3);
  });
});

describeRoute('builds.get', () => {
  it('reads a seeded build', async () => {
    const build = await rack.client.getBuild('storefront', 'BSTOREFAAAA');
    expect(build).toMatchObject({ status: 'complete', release: 'RSTOREFAAAA', repository: '' });
    expect(build.gitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(build.description).toBe(`build ${build.gitSha.slice(0, 10)} Add product search`);
    expect(build.ended.compare(build.started)).toBeGreaterThan(0);
  });
});

describeRoute('builds.update', () => {
  it('updates fields sent in the option layouts', async () => {
    const started = RackTime.parse('2025-01-15T11:00:00.5Z');
    const build = await rack.client.updateBuild('storefront', 'BSTOREFAAAA', {
      entrypoint: 'bin/web',
      started,
    });
    expect(lastRouted(rack, 'builds.update').form).toEqual({
      entrypoint: ['bin/web'],
      started: ['20250115.110000.500000000'],
    });
    expect(build.entrypoint).toBe('bin/web');
    expect(build.started.toJSON()).toBe('2025-01-15T11:00:00.5Z');
  });
});

describeRoute('releases.list', () => {
  it('lists newest first', async () => {
    const [newest] = await rack.client.listReleases('billing-api', { limit: 1 });
    expect(newest?.id).toBe('RBILLINGAAC');
  });
});

describeRoute('releases.get', () => {
  it('reads env as sorted lines', async () => {
    const release = await rack.client.getRelease('storefront', 'RSTOREFAAAD');
    expect(release.description).toBe('env add:FEATURE_CHECKOUT_V2');
    expect(release.env.split('\n')[0]).toBe('AWS_ACCESS_KEY_ID=AKIAMOCKSTOREFRONT01');
    expect(release.env).toContain('FEATURE_CHECKOUT_V2=true');
  });
});

describeRoute('releases.create', () => {
  it('creates an env release and describes the change', async () => {
    const current = await rack.client.getRelease('docs', 'RDOCSAAAAAA');
    const env = `${current.env}\nNEW_KEY=x y`.replace('PORT=4000', 'PORT=4001');
    const release = await rack.client.createRelease('docs', { env });
    expect(release.description).toBe('env add:NEW_KEY change:PORT');
    expect(release.build).toBe('BDOCSAAAAAA');
    expect(release.env).toContain('NEW_KEY=x y');
    expect(lastRouted(rack, 'releases.create').form?.env).toEqual([env]);
  });

  it('bases the release on parent-release', async () => {
    const release = await rack.client.createRelease('billing-api', {
      parentRelease: 'RBILLINGAAA',
      description: 'manual',
    });
    expect(release).toMatchObject({ build: 'BBILLINGAAA', description: 'manual' });
    await expect(
      rack.client.createRelease('billing-api', { parentRelease: 'RNOPE' }),
    ).rejects.toThrow('release not found: RNOPE');
  });
});

describeRoute('releases.promote', () => {
  it('promotes a newer release and refuses older ones', async () => {
    await rack.client.promoteRelease('billing-api', 'RBILLINGAAC');
    expect(lastRouted(rack, 'releases.promote').form).toEqual({ force: ['false'] });
    expect((await rack.client.getApp('billing-api')).status).toBe('updating');
    rack.clock.runAll();
    expect(await rack.client.getApp('billing-api')).toMatchObject({
      status: 'running',
      release: 'RBILLINGAAC',
    });
    await expect(rack.client.promoteRelease('billing-api', 'RBILLINGAAA')).rejects.toMatchObject({
      status: 400,
      message: 'can not promote an older release, try rollback',
    });
  });

  it('rolls back when the fault is armed', async () => {
    rack.mock.reset({ timings: { preset: 'instant', promote: 1000 } });
    rack.mock.faults.add({ match: { app: 'billing-api' }, effect: { promoteOutcome: 'rollback' } });
    await rack.client.promoteRelease('billing-api', 'RBILLINGAAC', { force: true });
    rack.clock.advance(1000);
    expect((await rack.client.getApp('billing-api')).status).toBe('rollback');
    rack.clock.runAll();
    expect(await rack.client.getApp('billing-api')).toMatchObject({
      status: 'running',
      release: 'RBILLINGAAB',
    });
  });
});
