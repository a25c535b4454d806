/**
 * What CloudTrail records of each call, operation by operation, as AWS documents it ("Logging AWS KMS API calls
 * with AWS CloudTrail" and its per-operation examples; "Logging IAM and AWS STS API calls with AWS CloudTrail").
 * An operation missing here has neither its request nor its response recorded: a new operation stays silent
 * until someone decides, in this table, what of it is safe to keep. Secrets left in what a rule lets through
 * (grant tokens, SecretAccessKey, SessionToken …) are removed afterwards by `withoutSecrets` (secrets.ts).
 */
import type { EventSource } from './record.js';

export interface RecordingRule {
  /** The request members CloudTrail records (API names): every one, or only those listed. */
  readonly request: 'all' | readonly string[];
  /**
   * Whether CloudTrail records the response. It does for changes only: reads (Describe*, Get*, List*) and
   * cryptographic operations are recorded with responseElements null.
   */
  readonly response: 'recorded' | 'null';
  /** Request members CloudTrail records with their default when the request leaves them out. */
  readonly requestDefaults?: Readonly<Record<string, string>>;
  /** Since December 2022 CloudTrail adds the affected key's ARN as responseElements.keyId. */
  readonly keyArnInResponse?: true;
}

/**
 * A cryptographic operation: only the listed request members, none of which carries a secret (its plaintext,
 * ciphertext, message, signature or MAC never appears), and never its response.
 */
function cryptographic(...members: string[]): RecordingRule {
  return { request: members, response: 'null' };
}

const READ: RecordingRule = { request: 'all', response: 'null' };
const CHANGE: RecordingRule = { request: 'all', response: 'recorded' };
const CHANGE_OF_KEY: RecordingRule = { ...CHANGE, keyArnInResponse: true };

const DATA_KEY = cryptographic('KeyId', 'EncryptionContext', 'KeySpec', 'NumberOfBytes', 'DryRun');
const DATA_KEY_PAIR = cryptographic('KeyId', 'EncryptionContext', 'KeyPairSpec', 'DryRun');
const SIGNATURE = cryptographic('KeyId', 'MessageType', 'SigningAlgorithm', 'DryRun');
const MAC = cryptographic('KeyId', 'MacAlgorithm', 'DryRun');

const RULES: ReadonlyMap<string, RecordingRule> = new Map(
  Object.entries<RecordingRule>({
    'kms:Encrypt': cryptographic('KeyId', 'EncryptionContext', 'EncryptionAlgorithm', 'DryRun'),
    // "The CloudTrail log entry for a Decrypt operation always includes the encryptionAlgorithm."
    'kms:Decrypt': {
      ...cryptographic('KeyId', 'EncryptionContext', 'EncryptionAlgorithm', 'DryRun'),
      requestDefaults: { EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    },
    'kms:ReEncrypt': cryptographic(
      'SourceKeyId',
      'SourceEncryptionContext',
      'SourceEncryptionAlgorithm',
      'DestinationKeyId',
      'DestinationEncryptionContext',
      'DestinationEncryptionAlgorithm',
      'DryRun',
    ),
    'kms:GenerateDataKey': DATA_KEY,
    'kms:GenerateDataKeyWithoutPlaintext': DATA_KEY,
    'kms:GenerateDataKeyPair': DATA_KEY_PAIR,
    'kms:GenerateDataKeyPairWithoutPlaintext': DATA_KEY_PAIR,
    // AWS's example records GenerateRandom with requestParameters null.
    'kms:GenerateRandom': cryptographic(),
    'kms:Sign': SIGNATURE,
    'kms:Verify': SIGNATURE,
    'kms:GenerateMac': MAC,
    'kms:VerifyMac': MAC,
    'kms:DeriveSharedSecret': cryptographic('KeyId', 'KeyAgreementAlgorithm', 'DryRun'),

    'kms:DescribeKey': READ,
    'kms:GetKeyLastUsage': READ,
    'kms:GetKeyPolicy': READ,
    'kms:ListAliases': READ,
    'kms:ListGrants': READ,
    'kms:ListKeyPolicies': READ,
    'kms:ListKeys': READ,
    'kms:ListResourceTags': READ,
    'kms:ListRetirableGrants': READ,

    'kms:CancelKeyDeletion': CHANGE,
    'kms:CreateAlias': CHANGE_OF_KEY,
    'kms:CreateGrant': CHANGE_OF_KEY,
    'kms:CreateKey': CHANGE,
    'kms:DeleteAlias': CHANGE,
    'kms:DisableKey': CHANGE,
    'kms:EnableKey': CHANGE_OF_KEY,
    'kms:PutKeyPolicy': CHANGE,
    'kms:RetireGrant': CHANGE,
    'kms:RevokeGrant': CHANGE,
    'kms:ScheduleKeyDeletion': CHANGE,
    'kms:TagResource': CHANGE,
    'kms:UntagResource': CHANGE,
    'kms:UpdateAlias': CHANGE_OF_KEY,
    'kms:UpdateKeyDescription': CHANGE,
    // The AwsServiceEvent at the end of a key's waiting period: no request, the key's ARN as its response.
    'kms:DeleteKey': { request: [], response: 'recorded', keyArnInResponse: true },

    'iam:GetRole': READ,
    'iam:GetRolePolicy': READ,
    'iam:GetUser': READ,
    'iam:GetUserPolicy': READ,
    'iam:ListAccessKeys': READ,
    'iam:ListRolePolicies': READ,
    'iam:ListRoles': READ,
    'iam:ListUserPolicies': READ,
    'iam:ListUsers': READ,

    'iam:CreateAccessKey': CHANGE,
    'iam:CreateRole': CHANGE,
    'iam:CreateUser': CHANGE,
    'iam:DeleteAccessKey': CHANGE,
    'iam:DeleteRole': CHANGE,
    'iam:DeleteRolePolicy': CHANGE,
    'iam:DeleteUser': CHANGE,
    'iam:DeleteUserPolicy': CHANGE,
    'iam:PutRolePolicy': CHANGE,
    'iam:PutUserPolicy': CHANGE,
    'iam:TagRole': CHANGE,
    'iam:TagUser': CHANGE,
    'iam:UpdateAccessKey': CHANGE,
    'iam:UpdateAssumeRolePolicy': CHANGE,

    'sts:AssumeRole': CHANGE,
    'sts:GetCallerIdentity': READ,
  }),
);

/** The rule for one operation, or undefined when it has none (nothing of its request or response is recorded). */
export function recordingRule(eventSource: EventSource, eventName: string): RecordingRule | undefined {
  const service = eventSource.slice(0, eventSource.indexOf('.'));
  return RULES.get(`${service}:${eventName}`);
}
