import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GrantRecord } from '../persistence/port.js';
import { grantThatAllows } from './grants.js';

const alice = 'arn:aws:iam::111122223333:user/alice';
const grant = (overrides: Partial<GrantRecord>): GrantRecord => ({
  grantId: 'g1',
  accountId: '111122223333',
  region: 'us-east-1',
  keyId: 'k',
  name: null,
  granteePrincipal: alice,
  retiringPrincipal: null,
  issuingAccount: 'arn:aws:iam::111122223333:root',
  operations: ['Decrypt', 'DescribeKey'],
  constraints: null,
  tokenHash: 'h',
  createdAt: 0,
  ...overrides,
});

describe('grantThatAllows', () => {
  it('allows the grantee the listed operations only', () => {
    assert.ok(grantThatAllows([grant({})], alice, 'kms:Decrypt', undefined));
    assert.equal(grantThatAllows([grant({})], alice, 'kms:Encrypt', undefined), undefined);
    assert.equal(
      grantThatAllows([grant({})], 'arn:aws:iam::111122223333:user/bob', 'kms:Decrypt', undefined),
      undefined,
    );
  });

  it('EncryptionContextEquals needs exactly that context, case-sensitively', () => {
    const constrained = [grant({ constraints: { encryptionContextEquals: { Department: 'IT' } } })];
    assert.ok(grantThatAllows(constrained, alice, 'kms:Decrypt', { Department: 'IT' }));
    const refused: Array<Record<string, string> | undefined> = [
      undefined,
      { Department: 'it' },
      { department: 'IT' },
      { Department: 'IT', Extra: '1' },
    ];
    for (const context of refused) {
      assert.equal(grantThatAllows(constrained, alice, 'kms:Decrypt', context), undefined);
    }
  });

  it('EncryptionContextSubset needs at least those pairs', () => {
    const constrained = [grant({ constraints: { encryptionContextSubset: { Department: 'IT' } } })];
    assert.ok(grantThatAllows(constrained, alice, 'kms:Decrypt', { Department: 'IT', Project: 'x' }));
    assert.equal(grantThatAllows(constrained, alice, 'kms:Decrypt', { Project: 'x' }), undefined);
  });

  it('allows CreateGrant only for a grant no wider than itself', () => {
    const parent = [grant({ operations: ['CreateGrant', 'Decrypt', 'Encrypt'] })];
    const create = (operations: string[], constraints: GrantRecord['constraints'] = null) =>
      grantThatAllows(parent, alice, 'kms:CreateGrant', undefined, { operations, constraints });
    assert.ok(create(['Decrypt']));
    assert.ok(create(['Decrypt', 'CreateGrant']));
    assert.ok(create(['Encrypt'], { encryptionContextEquals: { a: '1' } }));
    assert.equal(create(['Decrypt', 'ReEncryptFrom']), undefined, 'an operation the parent lacks');
    assert.equal(
      grantThatAllows(parent, alice, 'kms:CreateGrant', undefined),
      undefined,
      'without the proposed grant nothing is allowed',
    );
  });

  it("a child grant's constraints admit no encryption context its parent's do not", () => {
    const allowed = (parent: GrantRecord['constraints'], child: GrantRecord['constraints']) =>
      grantThatAllows(
        [grant({ operations: ['CreateGrant', 'Decrypt'], constraints: parent })],
        alice,
        'kms:CreateGrant',
        undefined,
        { operations: ['Decrypt'], constraints: child },
      ) !== undefined;
    const equalsIT = { encryptionContextEquals: { Department: 'IT' } };
    const subsetIT = { encryptionContextSubset: { Department: 'IT' } };
    assert.equal(allowed(equalsIT, equalsIT), true);
    assert.equal(allowed(equalsIT, null), false);
    assert.equal(allowed(equalsIT, subsetIT), false);
    assert.equal(allowed(equalsIT, { encryptionContextEquals: { Department: 'IT', Project: 'x' } }), false);
    assert.equal(allowed(subsetIT, subsetIT), true);
    assert.equal(allowed(subsetIT, { encryptionContextSubset: { Department: 'IT', Project: 'x' } }), true);
    assert.equal(allowed(subsetIT, { encryptionContextEquals: { Department: 'IT', Project: 'x' } }), true);
    assert.equal(allowed(subsetIT, { encryptionContextSubset: { Project: 'x' } }), false);
    assert.equal(allowed(subsetIT, null), false);
    assert.equal(allowed(null, subsetIT), true);
  });

  it('constraints do not apply to operations without an encryption context', () => {
    const constrained = [grant({ constraints: { encryptionContextEquals: { Department: 'IT' } } })];
    assert.ok(grantThatAllows(constrained, alice, 'kms:DescribeKey', undefined));
  });
});
