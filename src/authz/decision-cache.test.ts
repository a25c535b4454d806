import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iamUser, roleSession } from '../../test/support/callers.js';
import type { Caller } from '../shared/caller.js';
import { decide } from './decide.js';
import { decideRemembering } from './decision-cache.js';
import type { Identity } from './identity.js';
import { parsedPolicy } from './policy-cache.js';
import { globalConditions } from './request-context.js';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const NOW = Date.UTC(2026, 0, 15, 9, 30);

const session = (roleArn: string) => roleSession(roleArn, 'AROADEPLOYEREXAMPLE1', 'build-1');
const alice = iamUser(ACCOUNT, 'alice', 'AIDAALICEEXAMPLE0001');

const keyPolicyNaming = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }],
  });

const NO_POLICIES: Identity = { policies: [], principalTags: [] };

describe('decisions remembered', () => {
  it('a session of another role under the same session ARN (the role re-created on another path) is decided afresh', () => {
    const opsRole = `arn:aws:iam::${ACCOUNT}:role/ops/Deployer`;
    const check = { action: 'kms:Decrypt', resource: KEY, resourcePolicy: keyPolicyNaming(opsRole) };
    const decideFor = (caller: Caller) =>
      decideRemembering(caller, check, globalConditions(caller, undefined, NOW), NO_POLICIES);
    assert.equal(decideFor(session(opsRole)).allowed, true);
    assert.equal(decideFor(session(`arn:aws:iam::${ACCOUNT}:role/Deployer`)).allowed, false);
  });

  it("keeps one version of a call's policies, and does not remember a decision that read many keys", () => {
    const conditions = globalConditions(alice, undefined, NOW);
    const denying = (reads: number) => ({
      action: 'kms:Decrypt',
      resource: KEY,
      resourcePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: alice.arn },
            Action: 'kms:*',
            Resource: '*',
            Condition: {
              Null: Object.fromEntries(Array.from({ length: reads }, (_, at) => [`aws:PrincipalTag/t${at}`, 'false'])),
            },
          },
        ],
      }),
    });
    const call = (check: ReturnType<typeof denying>) => decideRemembering(alice, check, conditions, NO_POLICIES);
    const few = denying(2);
    const first = call(few);
    assert.equal(first.allowed, false);
    assert.equal(call(few), first, 'remembered');
    call(denying(3));
    assert.notEqual(call(few), first, 'forgotten when the policy changed, decided afresh');
    const many = denying(40);
    assert.notEqual(call(many), call(many), 'a decision that read 40 keys is not remembered');
  });

  it("answers a repeated call from memory, and decides afresh when a value a policy read changes, the action's own included", () => {
    const identity: Identity = {
      policies: [
        parsedPolicy(
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Action: 'kms:*',
                Resource: '*',
                Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'IT' } },
              },
            ],
          }),
          'identity',
        ),
      ],
      principalTags: [],
    };
    const callWith = (department: string) => {
      const check = {
        action: 'kms:Encrypt',
        resource: KEY,
        resourcePolicy: keyPolicyNaming(alice.arn),
        conditions: new Map([['kms:encryptioncontext:department', [department]]]),
      };
      const conditions = globalConditions(alice, undefined, NOW);
      const remembered = decideRemembering(alice, check, conditions, identity);
      assert.deepEqual(remembered, decide(alice, check, conditions, identity));
      return remembered;
    };
    const denied = callWith('HR');
    assert.equal(denied.allowed, false);
    assert.equal(callWith('HR'), denied, 'the same decision object: answered from memory');
    assert.equal(callWith('IT').allowed, true);
    assert.equal(callWith('HR'), denied, 'both variants are remembered');
  });
});
