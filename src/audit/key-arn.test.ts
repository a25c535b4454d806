import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKeyArn, keyIdInArn } from './key-arn.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('key ARNs in the trail', () => {
  it('names the key of a key ARN, and nothing else', () => {
    assert.equal(keyIdInArn(`arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`), KEY_ID);
    for (const other of [
      'arn:aws:kms:us-east-1:111122223333:alias/app',
      'arn:aws:iam::111122223333:user/alice',
      `arn:aws:kms:us-east-1:not-an-account:key/${KEY_ID}`,
      `arn:aws:kms::111122223333:key/${KEY_ID}`,
      KEY_ID,
      '*',
    ]) {
      assert.equal(keyIdInArn(other), undefined, other);
      assert.equal(isKeyArn(other), false, other);
    }
  });
});
