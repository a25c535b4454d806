import { randomUUID } from 'node:crypto';
import { kmsError } from '../errors/catalogue.js';
import { keyArn } from '../keys/arn.js';
import { keyMetadata } from '../keys/key-metadata.js';
import type { Scope, Tag } from '../keys/records.js';
import { checkNewTags, checkTagCount } from '../keys/tags.js';
import { conditionValues, requestTagConditions } from './conditions.js';
import { defineOperation } from './definition.js';

interface CreateKeyInput {
  Policy?: string;
  Description?: string;
  KeyUsage?: string;
  CustomerMasterKeySpec?: string;
  KeySpec?: string;
  Origin?: string;
  CustomKeyStoreId?: string;
  Tags?: Tag[];
  MultiRegion?: boolean;
  BypassPolicyLockoutSafetyCheck?: boolean;
  XksKeyId?: string;
}

/** AWS's default key policy: the account root may do everything, which lets identity policies grant access. */
export function defaultKeyPolicy(scope: Scope): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${scope.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    },
    null,
    2,
  );
}

function unsupported(what: string): never {
  throw kmsError('UnsupportedOperationException', `${what} is not supported by Trent yet.`);
}

function checkSymmetricDefault(input: CreateKeyInput): void {
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw kmsError('ValidationException', 'You cannot specify both KeySpec and CustomerMasterKeySpec.');
  }
  const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  if (spec !== 'SYMMETRIC_DEFAULT') unsupported(`KeySpec ${spec}`);
  const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (usage !== 'ENCRYPT_DECRYPT') {
    throw kmsError('ValidationException', `KeyUsage ${usage} is not compatible with KeySpec SYMMETRIC_DEFAULT.`);
  }
  if ((input.Origin ?? 'AWS_KMS') !== 'AWS_KMS') unsupported(`Origin ${input.Origin}`);
  if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined) unsupported('A custom key store');
  if (input.MultiRegion === true) unsupported('A multi-Region key');
}

export const createKey = defineOperation({
  name: 'CreateKey',
  readOnly: false,
  // The new key's id is chosen before authorization, so that a proposed policy's lockout check sees the
  // very ARN the key will have (a policy may name key ARNs in its Resource).
  resolve: async (input: CreateKeyInput, context) => {
    const keyId = randomUUID();
    return {
      access: [
        {
          action: 'kms:CreateKey',
          resource: '*',
          conditions: conditionValues({
            'kms:KeySpec': input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT',
            'kms:KeyUsage': input.KeyUsage ?? 'ENCRYPT_DECRYPT',
            'kms:KeyOrigin': input.Origin ?? 'AWS_KMS',
            'kms:MultiRegion': String(input.MultiRegion ?? false),
            'kms:BypassPolicyLockoutSafetyCheck': String(input.BypassPolicyLockoutSafetyCheck ?? false),
            ...requestTagConditions(input.Tags ?? []),
          }),
          ...(input.Policy === undefined
            ? {}
            : {
                proposedKeyPolicy: {
                  text: input.Policy,
                  keyArn: keyArn(context.scope, keyId),
                  bypassLockoutSafetyCheck: input.BypassPolicyLockoutSafetyCheck ?? false,
                },
              }),
        },
      ],
      target: keyId,
      resources: [keyArn(context.scope, keyId)],
    };
  },
  async handle(input: CreateKeyInput, keyId: string, context, keys) {
    checkSymmetricDefault(input);
    const tags = input.Tags ?? [];
    checkNewTags(tags);
    checkTagCount(tags.length);
    const key = await keys.create(context.scope, {
      keyId,
      description: input.Description ?? '',
      policy: input.Policy ?? defaultKeyPolicy(context.scope),
      tags,
    });
    return { KeyMetadata: keyMetadata(key) };
  },
});
