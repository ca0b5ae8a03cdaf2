// Time is a dependency: production passes the system clock, tests pass one they can move.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
