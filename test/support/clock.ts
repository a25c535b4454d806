import type { Clock } from '../../src/shared/clock.js';

/**
 * Wall-clock time plus an offset the test moves: the SDKs sign with real time (or with `systemClockOffset`
 * set to the same offset), while Trent's expiry checks and jobs see the future.
 */
export class OffsetClock implements Clock {
  offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }
}
