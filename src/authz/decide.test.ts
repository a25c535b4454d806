import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Caller } from '../shared/caller.js';
import { decide, denialMessage } from './decide.js';

const root: Caller = {
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  type: 'Root',
  principalId: '111122223333',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
};
const ownKey = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const otherKey = 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('decide', () => {
  it('allows the account root on its own keys and on account-wide actions', () => {
    assert.deepEqual(decide(root, { action: 'kms:Encrypt', resource: ownKey }), { allowed: true });
    assert.deepEqual(decide(root, { action: 'kms:CreateKey', resource: '*' }), { allowed: true });
  });

  it("denies another account's key with AWS's wording", () => {
    const check = { action: 'kms:Decrypt', resource: otherKey };
    const decision = decide(root, check);
    assert.equal(decision.allowed, false);
    assert.equal(
      denialMessage(root, check, decision),
      `User: arn:aws:iam::111122223333:root is not authorized to perform: kms:Decrypt on resource: ${otherKey} because no resource-based policy allows the kms:Decrypt action`,
    );
  });

  it('fails closed for principals it cannot evaluate yet', () => {
    const user: Caller = { ...root, type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' };
    assert.equal(decide(user, { action: 'kms:Encrypt', resource: ownKey }).allowed, false);
    assert.equal(decide(user, { action: 'kms:ListKeys', resource: '*' }).allowed, false);
  });
});
