// A clock tests move by hand (sessions, rate limits, login state expiry). Starts at real time so
// ID tokens issued by the mock IdP (checked against real time) stay valid.
import type { Clock } from '../../src/lib/clock.js';

export class TestClock implements Clock {
  private current: number;
  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}
