import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionValues, encryptionContextConditions } from './conditions.js';

describe('conditionValues', () => {
  it('lowercases names and leaves absent values out', () => {
    assert.deepEqual(
      conditionValues({ 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:RequestAlias': undefined }),
      new Map([['kms:keyspec', ['SYMMETRIC_DEFAULT']]]),
    );
  });

  it('merges names that differ only in case, so no value can hide another (a Deny on project=secret must still see it)', () => {
    const values = conditionValues(encryptionContextConditions({ project: 'secret', Project: 'x' }));
    assert.deepEqual(values.get('kms:encryptioncontext:project'), ['secret', 'x']);
    assert.deepEqual(values.get('kms:encryptioncontextkeys'), ['project', 'Project']);
  });
});
