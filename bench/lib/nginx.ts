// nginx as a plain reverse proxy to the mock rack: the baseline for what any proxy costs. Its own
// prefix and configuration in the run's directory (never the system service), kept-alive
// connections to the rack, WebSocket upgrades passed through, and `keepalive_requests` raised so
// that nginx never closes a client's kept-alive connection mid-run (autocannon counts the
// reconnect into the next request's latency, which would skew nginx's p99).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../e2e/support/ports.ts';
import { type Child, spawnLogged, until } from './child.ts';
import { childPids } from './proc.ts';

export interface NginxProcess {
  readonly url: string;
  readonly version: string;
  readonly child: Child;
  /** The worker processes (what serves requests; the master only supervises). */
  readonly workers: readonly number[];
  close(): Promise<void>;
}

export function nginxConfig(o: {
  prefix: string;
  port: number;
  upstreamPort: number;
  workers: number;
}): string {
  return `# Written by the benchmark suite (bench/lib/nginx.ts) for one run.
worker_processes ${o.workers};
daemon off;
pid ${o.prefix}/nginx.pid;
error_log ${o.prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${o.prefix}/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${o.prefix}/tmp/body;
  proxy_temp_path ${o.prefix}/tmp/proxy;
  fastcgi_temp_path ${o.prefix}/tmp/fastcgi;
  uwsgi_temp_path ${o.prefix}/tmp/uwsgi;
  scgi_temp_path ${o.prefix}/tmp/scgi;
  client_max_body_size 512m;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream rack {
    server 127.0.0.1:${o.upstreamPort};
    keepalive 64;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:${o.port};
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    location / {
      proxy_pass http://rack;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 3600s;
    }
  }
}
`;
}

/** nginx's version, or null when `binary` is not an nginx that runs (the variant is left out). */
export function nginxVersion(binary: string): string | null {
  const r = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  const text = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
  return r.status === 0 && text.includes('nginx') ? text.replace(/^nginx version: /, '') : null;
}

export async function startNginx(o: {
  binary: string;
  dir: string;
  upstreamPort: number;
  workers: number;
  authorization: string;
}): Promise<NginxProcess> {
  const prefix = join(o.dir, 'nginx');
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    nginxConfig({ prefix, port, upstreamPort: o.upstreamPort, workers: o.workers }),
  );
  const child = spawnLogged(o.binary, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], {
    env: {},
    cwd: prefix,
    logFile: join(prefix, 'stdout.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  await until(
    async () =>
      (await fetch(`${url}/apps`, { headers: { authorization: o.authorization } })).status === 200,
    () => `nginx to answer on ${url}\n${child.tail()}`,
    15_000,
  );
  return {
    url,
    version: nginxVersion(o.binary) ?? 'nginx',
    child,
    workers: childPids(child.pid),
    close: () => child.stop('SIGQUIT'),
  };
}
