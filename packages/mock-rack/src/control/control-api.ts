// The HTTP control API under /_mock/ (mock-rack.md §10.1): JSON in and out, no rack authentication,
// never recorded in the request log. `/_mock/health` is always served; the rest only when enabled.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isManualClock } from '../core/clock.js';
import type { ExecScript } from '../exec/io.js';
import type { FaultRule } from '../http/faults.js';
import { readBody } from '../http/read-body.js';
import { splitTarget } from '../http/target.js';
import type { MockRackControl, ResetOptions } from './mock-rack-types.js';
import { type AppendLogsInput, ControlError } from './surface.js';

type ControlHandler = (
  rack: MockRackControl,
  body: unknown,
  param: string | undefined,
  query: URLSearchParams,
) => unknown;

function manualClock(rack: MockRackControl) {
  if (!isManualClock(rack.clock))
    throw new ControlError(409, 'the mock rack runs on the real clock');
  return rack.clock;
}

const ROUTES: Readonly<Record<string, ControlHandler>> = {
  'POST reset': (rack, body) => {
    rack.reset((body ?? {}) as ResetOptions);
    return { status: 'ok' };
  },
  'GET state': (rack) => rack.state(),
  'GET requests': (rack, _b, _p, query) => rack.requests.list(Number(query.get('since') ?? '0')),
  'DELETE requests': (rack) => {
    rack.requests.clear();
    return { status: 'ok' };
  },
  'GET faults': (rack) => rack.faults.list(),
  'POST faults': (rack, body) => ({ id: rack.faults.add(body as FaultRule) }),
  'DELETE faults': (rack, _b, id) => {
    if (id === undefined) rack.faults.clear();
    else if (!rack.faults.remove(id)) throw new ControlError(404, `fault not found: ${id}`);
    return { status: 'ok' };
  },
  'POST clock': (rack, body) => {
    const clock = manualClock(rack);
    const input = (body ?? {}) as { advanceMs?: number; runAll?: boolean };
    if (input.runAll) clock.runAll();
    else clock.advance(input.advanceMs ?? 0);
    return { now: clock.now(), pending: clock.pending() };
  },
  'POST logs': (rack, body) => {
    rack.appendLogs(body as AppendLogsInput);
    return { status: 'ok' };
  },
  'POST processes': (rack, body, param) => {
    const [app = '', pid = ''] = (param ?? '').split('/');
    rack.setProcessStatus(app, pid, (body as { status?: string }).status ?? 'running');
    return { status: 'ok' };
  },
  'POST exec-scripts': (rack, body) => {
    rack.addExecScript(body as ExecScript);
    return { status: 'ok' };
  },
};

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Serves a /_mock/ request; returns false when the path is not a control route. */
export async function handleControl(
  rack: MockRackControl,
  enabled: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const target = splitTarget(req.url);
  const [, , name = '', ...rest] = target.rawPath.split('/');
  if (name === 'health' && req.method === 'GET') {
    send(res, 200, { status: 'ok', version: rack.version() });
    return true;
  }
  const handler = ROUTES[`${req.method} ${name}`];
  if (!enabled || !handler) return false;
  try {
    const raw = await readBody(req, 16 << 20);
    const body: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    const param = rest.length > 0 ? rest.join('/') : undefined;
    send(res, 200, handler(rack, body, param, new URLSearchParams(target.rawQuery)));
  } catch (err) {
    send(res, err instanceof ControlError ? err.status : 400, { error: (err as Error).message });
  }
  return true;
}
