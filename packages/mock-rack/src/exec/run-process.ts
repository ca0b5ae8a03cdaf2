// Run pods (mock-rack.md §8.1): after `processStart` the pod is running; `sleep <n>` keeps it
// running for n seconds, any other command runs through the interpreter with its output in the
// pod's log, and the pod ends `complete` (exit 0) or `failed`.
import type { World } from '../core/world.js';
import type { AppRecord, ProcessRecord } from '../state/model.js';
import { podLog } from '../state/pods.js';
import { clockSleep, commandEnv } from './command-env.js';
import { runLine } from './commands.js';
import type { CommandIo } from './io.js';
import { splitWords } from './shell-words.js';

function alive(app: AppRecord, pod: ProcessRecord): boolean {
  return app.processes.get(pod.data.id) === pod;
}

function logIo(world: World, app: AppRecord, pod: ProcessRecord): CommandIo {
  let pending = '';
  return {
    write(data) {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) podLog(world, app, pod, line);
    },
    read: async () => null,
    sleep: (ms) => clockSleep(world, ms).done,
    aborted: () => !alive(app, pod),
  };
}

export function startRunProcess(world: World, app: AppRecord, pod: ProcessRecord): void {
  if (!alive(app, pod)) return;
  pod.data.status = 'running';
  const words = splitWords(pod.data.command);
  if (words[0] === 'sleep' && words.length === 2) {
    world.schedule(Number(words[1]) * 1000, () => {
      if (alive(app, pod)) pod.data.status = 'complete';
    });
    return;
  }
  runLine(pod.data.command, commandEnv(world, app, pod), logIo(world, app, pod)).then((code) => {
    if (!alive(app, pod)) return;
    pod.data.status = code === 0 ? 'complete' : 'failed';
    world.touch();
  });
}
