import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { rateLimitedAuthFailureLog } from './auth-failure-log.js';

describe('rateLimitedAuthFailureLog', () => {
  it('logs at most perMinute failures a minute, then says how many it left out', () => {
    const lines: { msg: string; suppressed?: number; requestId?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    let time = 0;
    const log = rateLimitedAuthFailureLog(logger, () => time, 3);
    for (let index = 0; index < 10; index += 1) {
      log.note({ requestId: `r${index}`, sourceIp: '127.0.0.1', code: 'InvalidSignatureException' });
    }
    assert.deepEqual(
      lines.map((line) => line.requestId),
      ['r0', 'r1', 'r2'],
    );
    time = 60_000;
    log.note({ requestId: 'next', sourceIp: undefined, code: 'UnrecognizedClientException' });
    assert.deepEqual(
      lines.slice(3).map((line) => [line.msg, line.suppressed ?? line.requestId]),
      [
        ['authentication failures left out of the log', 7],
        ['request failed authentication', 'next'],
      ],
    );
  });
});
