// The rack's interactive sockets the mock has no real target for (resource console, instance
// shell, proxy): once the target is checked, every client text frame is echoed back and the
// client's EOF (a binary frame) ends the socket with EOF and a normal close, like an exec whose
// command is `cat`. An unknown target fails in-band (`ERROR: … not found`) then EOF.
import type { PathParams } from '@rack-gateway/convox';
import type { World } from '../core/world.js';
import { extras } from '../state/extras.js';
import type { RackSocket } from './rack-socket.js';

export const ECHO_ROUTES: ReadonlySet<string> = new Set([
  'app-resources.console',
  'instances.shell',
  'proxy',
]);

function missingTarget(world: World, routeId: string, params: PathParams): string | undefined {
  if (routeId === 'instances.shell')
    return world.state.instances.some((i) => i.id === params.id)
      ? undefined
      : `instance not found: ${params.id}`;
  if (routeId !== 'app-resources.console') return undefined;
  const app = world.app(params.app ?? '');
  if (!app) return `app not found: ${params.app}`;
  const resource = extras(world.state).resources.get(params.name ?? '');
  return resource?.apps.includes(app.data.name) ? undefined : `resource not found: ${params.name}`;
}

export function runEcho(world: World, socket: RackSocket, routeId: string, params: PathParams) {
  const missing = missingTarget(world, routeId, params);
  if (missing) {
    socket.fail(missing);
    return;
  }
  socket.onInput(
    (data) => socket.send(data),
    () => socket.end(),
  );
}
