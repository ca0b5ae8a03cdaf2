// What the kernel says about a process (Linux /proc): CPU time (user + system, every thread) and
// resident memory. CPU per request is a process's own CPU time over a measured run divided by the
// requests it served, so it does not depend on how busy the rest of the machine is.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU time of `pid` in milliseconds; null once it is gone. */
export function cpuMs(pid: number): number | null {
  const f = statFields(pid);
  if (f === null) return null;
  // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3 (state).
  const ticks = Number(f[11]) + Number(f[12]);
  return (ticks * 1000) / clockTicks();
}

/** CPU time of each of `pids` now. */
export function cpuSnapshot(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuMs(pid) ?? 0]));
}

/**
 * CPU ms the processes `pidsNow` spent since `before` (a process that started meanwhile counts
 * from zero; one that ended meanwhile is lost, which only connection churn would cause).
 */
export function cpuSince(before: ReadonlyMap<number, number>, pidsNow: readonly number[]): number {
  return pidsNow.reduce(
    (sum, pid) => sum + Math.max(0, (cpuMs(pid) ?? 0) - (before.get(pid) ?? 0)),
    0,
  );
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m?.[1] === undefined ? null : Number(m[1]);
  } catch {
    return null;
  }
}

/** Resident set size now, in MB. */
export const rssMb = (pid: number): number | null => {
  const kb = statusKb(pid, 'VmRSS');
  return kb === null ? null : kb / 1024;
};

/** Peak resident set size since the process started, in MB. */
export const peakRssMb = (pid: number): number | null => {
  const kb = statusKb(pid, 'VmHWM');
  return kb === null ? null : kb / 1024;
};

function processIds(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Direct children of `pid` (nginx's workers under its master). */
export function childPids(pid: number): number[] {
  return processIds().filter((p) => Number(statFields(p)?.[1]) === pid);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * PostgreSQL backends serving database `name` on this host (their title is
 * `postgres: <user> <database> <client> <state>`); empty when the server runs elsewhere.
 */
export function postgresBackends(name: string): number[] {
  const marker = ` ${name} `;
  return processIds().filter((p) => {
    const line = cmdline(p);
    return line.startsWith('postgres: ') && line.includes(marker);
  });
}
