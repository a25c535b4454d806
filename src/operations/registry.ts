import { cancelKeyDeletion } from './cancel-key-deletion.js';
import { createAlias } from './create-alias.js';
import { createGrant } from './create-grant.js';
import { createKey } from './create-key.js';
import { decrypt } from './decrypt.js';
import type { OperationDefinition } from './definition.js';
import { deleteAlias } from './delete-alias.js';
import { describeKey } from './describe-key.js';
import { disableKey } from './disable-key.js';
import { enableKey } from './enable-key.js';
import { encrypt } from './encrypt.js';
import { generateDataKey } from './generate-data-key.js';
import { generateDataKeyWithoutPlaintext } from './generate-data-key-without-plaintext.js';
import { generateRandom } from './generate-random.js';
import { getKeyLastUsage } from './get-key-last-usage.js';
import { getKeyPolicy } from './get-key-policy.js';
import { listAliases } from './list-aliases.js';
import { listGrants } from './list-grants.js';
import { listKeyPolicies } from './list-key-policies.js';
import { listKeys } from './list-keys.js';
import { listResourceTags } from './list-resource-tags.js';
import { listRetirableGrants } from './list-retirable-grants.js';
import { putKeyPolicy } from './put-key-policy.js';
import { reEncrypt } from './re-encrypt.js';
import { retireGrant } from './retire-grant.js';
import { revokeGrant } from './revoke-grant.js';
import { scheduleKeyDeletion } from './schedule-key-deletion.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { updateAlias } from './update-alias.js';
import { updateKeyDescription } from './update-key-description.js';

/** Every operation Trent serves, by its X-Amz-Target name. Nothing unlisted is reachable. */
export const operations: ReadonlyMap<string, OperationDefinition> = new Map(
  [
    cancelKeyDeletion,
    createAlias,
    createGrant,
    createKey,
    decrypt,
    deleteAlias,
    describeKey,
    disableKey,
    enableKey,
    encrypt,
    generateDataKey,
    generateDataKeyWithoutPlaintext,
    generateRandom,
    getKeyLastUsage,
    getKeyPolicy,
    listAliases,
    listGrants,
    listKeyPolicies,
    listKeys,
    listResourceTags,
    listRetirableGrants,
    putKeyPolicy,
    reEncrypt,
    retireGrant,
    revokeGrant,
    scheduleKeyDeletion,
    tagResource,
    untagResource,
    updateAlias,
    updateKeyDescription,
  ].map((operation) => [operation.name, operation]),
);
