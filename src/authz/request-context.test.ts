import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iamUser, roleSession } from '../../test/support/callers.js';
import type { Caller } from '../shared/caller.js';
import { globalConditions, withActionConditions } from './request-context.js';

const ACCOUNT = '111122223333';
const NOW = Date.UTC(2026, 0, 15, 9, 30, 15, 250);

const alice = iamUser(ACCOUNT, 'alice', 'AIDAALICEEXAMPLE0001');
const roleArn = `arn:aws:iam::${ACCOUNT}:role/ops/Deployer`;
const deployerSession = roleSession(roleArn, 'AROADEPLOYEREXAMPLE1', 'build-1', { sourceIdentity: 'jenkins' });

const root: Caller = {
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  type: 'Root',
  principalId: ACCOUNT,
  accessKeyId: 'AKIAROOT',
};

describe('the global condition keys of a request', () => {
  it('supplies each key AWS documents, by lowercase name, as a single value', () => {
    const conditions = globalConditions(alice, '192.0.2.10', NOW);
    const expected: Record<string, string> = {
      'aws:principalarn': alice.arn,
      'aws:principalaccount': ACCOUNT,
      'aws:principaltype': 'User',
      'aws:userid': 'AIDAALICEEXAMPLE0001',
      'aws:username': 'alice',
      'aws:currenttime': '2026-01-15T09:30:15.250Z',
      'aws:epochtime': String(Math.floor(NOW / 1000)),
      'aws:securetransport': 'false',
      'aws:sourceip': '192.0.2.10',
      'kms:calleraccount': ACCOUNT,
    };
    for (const [name, value] of Object.entries(expected)) assert.deepEqual(conditions.get(name), [value], name);
    assert.equal(conditions.get('aws:PrincipalType'), undefined, 'names are looked up lowercase');
    assert.equal(conditions.get('aws:sourceidentity'), undefined);
    assert.equal(conditions.get('aws:principaltag/team'), undefined);
  });

  it("gives a role session its role's ARN as aws:PrincipalArn, and its source identity; the root no aws:username", () => {
    const session = globalConditions(deployerSession, undefined, NOW);
    assert.deepEqual(session.get('aws:principalarn'), [roleArn]);
    assert.deepEqual(session.get('aws:principaltype'), ['AssumedRole']);
    assert.deepEqual(session.get('aws:sourceidentity'), ['jenkins']);
    assert.equal(session.get('aws:username'), undefined);
    assert.equal(session.get('aws:sourceip'), undefined, 'no source address, no key');
    const account = globalConditions(root, undefined, NOW);
    assert.deepEqual(account.get('aws:principaltype'), ['Account']);
    assert.equal(account.get('aws:username'), undefined);
  });

  it('matches principal tag keys case-insensitively, the later of two that differ only in case counting', () => {
    const conditions = globalConditions(alice, undefined, NOW, [
      { key: 'Team', value: 'blue' },
      { key: 'cost-center', value: '42' },
      { key: 'TEAM', value: 'red' },
    ]);
    assert.deepEqual(conditions.get('aws:principaltag/team'), ['red']);
    assert.deepEqual(conditions.get('aws:principaltag/cost-center'), ['42']);
    assert.equal(conditions.get('aws:principaltag/owner'), undefined);
  });

  it("puts an action's own keys on top of the request's, which show through where the action has none", () => {
    const global = globalConditions(alice, undefined, NOW);
    const layered = withActionConditions(
      global,
      new Map([
        ['kms:encryptionalgorithm', ['SYMMETRIC_DEFAULT']],
        ['aws:username', ['overridden']],
      ]),
    );
    assert.deepEqual(layered.get('kms:encryptionalgorithm'), ['SYMMETRIC_DEFAULT']);
    assert.deepEqual(layered.get('aws:username'), ['overridden']);
    assert.deepEqual(layered.get('aws:principaltype'), ['User']);
    assert.equal(withActionConditions(global, new Map()), global);
    assert.equal(withActionConditions(global, undefined), global);
  });
});
