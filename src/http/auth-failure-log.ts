import type { Logger } from 'pino';

/**
 * Requests that fail SigV4 authentication never reach the audit trail (anyone can send them, and they would
 * fill its disk); they go to the operational log instead, at most `perMinute` lines a minute, with a count of
 * those left out.
 */
export interface AuthFailureLog {
  note(failure: { readonly requestId: string; readonly sourceIp: string | undefined; readonly code: string }): void;
}

export function rateLimitedAuthFailureLog(logger: Logger, now: () => number, perMinute = 60): AuthFailureLog {
  let windowStart = Number.NEGATIVE_INFINITY;
  let logged = 0;
  let suppressed = 0;
  return {
    note(failure) {
      const time = now();
      if (time - windowStart >= 60_000) {
        if (suppressed > 0) logger.warn({ suppressed }, 'authentication failures left out of the log');
        windowStart = time;
        logged = 0;
        suppressed = 0;
      }
      if (logged >= perMinute) {
        suppressed += 1;
        return;
      }
      logged += 1;
      logger.warn(failure, 'request failed authentication');
    },
  };
}
