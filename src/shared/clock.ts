/** Milliseconds since the Unix epoch. Injected everywhere time matters so tests can travel in time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: for tests of expiry, deletion windows and clock skew. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(epochMillis: number): void {
    this.current = epochMillis;
  }

  advance(millis: number): void {
    this.current += millis;
  }
}
