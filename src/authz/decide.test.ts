import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Caller } from '../shared/caller.js';
import { decide, denialMessage } from './decide.js';
import { globalConditions } from './request-context.js';

const root: Caller = {
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  type: 'Root',
  principalId: '111122223333',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
};
const ownKey = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const otherKey = 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const conditions = globalConditions(root, '127.0.0.1', Date.UTC(2026, 10, 28));

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const defaultPolicy = policy({ Effect: 'Allow', Principal: { AWS: root.arn }, Action: 'kms:*', Resource: '*' });

describe('decide', () => {
  it("allows the account root on a key whose policy allows the account, and on its own account's resources", () => {
    assert.deepEqual(
      decide(root, { action: 'kms:Encrypt', resource: ownKey, resourcePolicy: defaultPolicy }, conditions),
      {
        allowed: true,
        decidedBy: { sid: undefined, index: 0, effect: 'Allow' },
      },
    );
    assert.deepEqual(decide(root, { action: 'kms:CreateKey', resource: '*' }, conditions), { allowed: true });
    assert.deepEqual(
      decide(root, { action: 'kms:CreateAlias', resource: 'arn:aws:kms:us-east-1:111122223333:alias/x' }, conditions),
      { allowed: true },
    );
  });

  it("denies another account's aliases (no resource policy there) with AWS's wording", () => {
    const check = { action: 'kms:CreateAlias', resource: 'arn:aws:kms:us-east-1:444455556666:alias/x' };
    const decision = decide(root, check, conditions);
    assert.deepEqual(decision, { allowed: false, reason: 'no-identity-policy-allows' });
    assert.equal(
      denialMessage(root, check, 'no-identity-policy-allows'),
      `User: arn:aws:iam::111122223333:root is not authorized to perform: kms:CreateAlias on resource: ${check.resource} because no identity-based policy allows the kms:CreateAlias action`,
    );
  });

  it('binds the account root to the key policy: a policy that leaves the account out denies it', () => {
    const elsewhere = policy({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    const check = { action: 'kms:Decrypt', resource: ownKey, resourcePolicy: elsewhere };
    assert.deepEqual(decide(root, check, conditions), { allowed: false, reason: 'no-resource-policy-allows' });
    assert.equal(
      denialMessage(root, check, 'no-resource-policy-allows'),
      `User: arn:aws:iam::111122223333:root is not authorized to perform: kms:Decrypt on resource: ${ownKey} because no resource-based policy allows the kms:Decrypt action`,
    );
  });

  it('an explicit Deny in the key policy wins over any Allow', () => {
    const denying = policy(
      { Effect: 'Allow', Principal: { AWS: root.arn }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
    );
    const check = { action: 'kms:Decrypt', resource: ownKey, resourcePolicy: denying };
    assert.deepEqual(decide(root, check, conditions), {
      allowed: false,
      reason: 'explicit-deny-in-resource-policy',
      decidedBy: { sid: undefined, index: 1, effect: 'Deny' },
    });
    assert.match(
      denialMessage(root, check, 'explicit-deny-in-resource-policy'),
      /with an explicit deny in a resource-based policy$/,
    );
  });

  it('reads a stored policy by its structure only, so a later store-time rule cannot lock the key', () => {
    const stored = policy(
      { Effect: 'Allow', Principal: { AWS: root.arn }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { NumericLessThan: { 'aws:EpochTime': 'not a number' } },
      },
    );
    assert.equal(
      decide(root, { action: 'kms:PutKeyPolicy', resource: ownKey, resourcePolicy: stored }, conditions).allowed,
      true,
    );
    const decrypt = decide(root, { action: 'kms:Decrypt', resource: ownKey, resourcePolicy: stored }, conditions);
    assert.deepEqual(
      decrypt.allowed ? undefined : decrypt.reason,
      'explicit-deny-in-resource-policy',
      'the Deny it cannot decide applies',
    );
  });

  it('fails closed: a key policy that cannot be parsed allows nothing', () => {
    for (const keyPolicy of ['not json', '{}', policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })]) {
      assert.equal(
        decide(root, { action: 'kms:Encrypt', resource: ownKey, resourcePolicy: keyPolicy }, conditions).allowed,
        false,
      );
    }
  });

  it('a key policy of another account that names this account lets its root in', () => {
    const sharing = policy({
      Effect: 'Allow',
      Principal: { AWS: '111122223333' },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    assert.deepEqual(decide(root, { action: 'kms:Decrypt', resource: otherKey, resourcePolicy: sharing }, conditions), {
      allowed: true,
      decidedBy: { sid: undefined, index: 0, effect: 'Allow' },
    });
    assert.equal(
      decide(root, { action: 'kms:Encrypt', resource: otherKey, resourcePolicy: sharing }, conditions).allowed,
      false,
    );
  });

  it('fails closed for principals it cannot evaluate yet (no identity policies before issue #3)', () => {
    const user: Caller = { ...root, type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' };
    assert.equal(
      decide(user, { action: 'kms:Encrypt', resource: ownKey, resourcePolicy: defaultPolicy }, conditions).allowed,
      false,
    );
    assert.equal(decide(user, { action: 'kms:ListKeys', resource: '*' }, conditions).allowed, false);
  });
});
