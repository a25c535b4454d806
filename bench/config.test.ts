import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig } from './config.js';

test('the principal is the account root unless BENCH_PRINCIPAL names the user', () => {
  assert.equal(readConfig({}).principal, 'root');
  assert.equal(readConfig({ BENCH_PRINCIPAL: ' ' }).principal, 'root');
  assert.equal(readConfig({ BENCH_PRINCIPAL: 'User' }).principal, 'user');
});

test('BENCH_PRINCIPAL takes exactly one known principal', () => {
  assert.throws(() => readConfig({ BENCH_PRINCIPAL: 'admin' }), /BENCH_PRINCIPAL: unknown "admin"/);
  assert.throws(() => readConfig({ BENCH_PRINCIPAL: 'root,user' }), /BENCH_PRINCIPAL: choose one of root, user/);
});

test('the other defaults stay as documented', () => {
  const config = readConfig({});
  assert.deepEqual(config.targets, ['trent', 'moto', 'bare']);
  assert.deepEqual(config.concurrencies, [1, 32]);
  assert.equal(config.seconds, 5);
  assert.equal(config.warmupSeconds, 1);
});
