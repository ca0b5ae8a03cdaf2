// Runs tasks one after another per key inside this process. The database lock is what makes a
// step exclusive across replicas; this queue only keeps a burst for one key from taking every
// pooled connection while it waits for that lock, so other users' requests are not starved.
export interface KeyedSerialiser {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export function createKeyedSerialiser(): KeyedSerialiser {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
