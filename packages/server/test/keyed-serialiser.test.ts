import { describe, expect, it } from 'vitest';
import { createKeyedSerialiser } from '../src/lib/keyed-serialiser.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('keyed serialiser', () => {
  it('runs tasks of one key one at a time, in order, and other keys alongside', async () => {
    const queue = createKeyedSerialiser();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const a = Promise.all([queue.run('a', task('a1')), queue.run('a', task('a2'))]);
    const b = queue.run('b', async () => {
      log.push('b');
      return 'b';
    });
    expect(await a).toEqual(['a1', 'a2']);
    expect(await b).toBe('b');
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('b')).toBeLessThan(log.indexOf('end a1'));
    expect(maxRunning).toBe(1);
  });

  it('a failed task rejects its own caller only; the next task of the key still runs', async () => {
    const queue = createKeyedSerialiser();
    const failed = queue.run('k', async () => {
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'after');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('after');
  });
});
