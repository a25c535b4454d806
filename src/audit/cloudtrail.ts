/**
 * Audit records in CloudTrail's record format: an AwsApiCall per authenticated call and an AwsServiceEvent per
 * background event, with CloudTrail's members in CloudTrail's order, so that whatever reads CloudTrail reads
 * Trent's trail. What of a request and a response is recorded is decided per operation (recording-rules.ts), and
 * every record then goes through the secret filter (secrets.ts): no plaintext, key, token, password, signature,
 * MAC or blob is ever written.
 */
import { isKeyArn } from './key-arn.js';
import type { ApiCallFacts, AuditIdentity, AuditRecord, ServiceEventFacts } from './record.js';
import { type RecordingRule, recordingRule } from './recording-rules.js';
import { isPlainObject, isSecretMemberName, withoutSecrets } from './secrets.js';

/** The record format version CloudTrail currently writes ("CloudTrail record contents"). */
export const EVENT_VERSION = '1.11';

/** What CloudTrail writes as the source address and user agent of an event AWS raises itself. */
const AWS_INTERNAL = 'AWS Internal';

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = { [member: string]: Json };

/** Members whose value is a map of the caller's own keys: recorded with those keys exactly as given. */
const MAP_MEMBERS: ReadonlySet<string> = new Set([
  'EncryptionContext',
  'SourceEncryptionContext',
  'DestinationEncryptionContext',
  'EncryptionContextSubset',
  'EncryptionContextEquals',
]);

/** KMS's timestamp members, which its JSON protocol carries as epoch seconds (IAM's and STS's are Dates). */
const EPOCH_SECONDS_MEMBERS: ReadonlySet<string> = new Set([
  'CreationDate',
  'DeletionDate',
  'LastUpdatedDate',
  'ValidTo',
]);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** eventTime and session creation dates: ISO 8601 in UTC to the second (`2025-05-20T20:46:16Z`). */
function isoSeconds(millis: number): string {
  return `${new Date(millis).toISOString().slice(0, -5)}Z`;
}

/** A timestamp inside requestParameters or responseElements, as CloudTrail writes one: `Aug 10, 2022, 10:38:27 PM`. */
function elementDate(millis: number): string {
  const date = new Date(millis);
  const hours = date.getUTCHours();
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  const time = `${hours % 12 === 0 ? 12 : hours % 12}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${time} ${hours < 12 ? 'AM' : 'PM'}`;
}

/**
 * CloudTrail's name for an API member: its first letter lowered (`KeyId` → `keyId`), except that a name opening
 * with an acronym is kept as it is (`AWSAccountId`), as Java's bean naming does.
 */
function cloudTrailMemberName(member: string): string {
  return /^[A-Z]{2}/.test(member) ? member : member.charAt(0).toLowerCase() + member.slice(1);
}

const keptAsGiven = (key: string) => key;

/** One value as CloudTrail records it under `member`, or undefined when nothing of it is recorded (blobs …). */
function recordedValue(member: string, value: unknown): Json | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return EPOCH_SECONDS_MEMBERS.has(member) ? elementDate(value * 1000) : value;
  if (value instanceof Date) return elementDate(value.getTime());
  if (Array.isArray(value)) {
    return value.map((item) => recordedValue(member, item)).filter((item): item is Json => item !== undefined);
  }
  if (isPlainObject(value)) return recordedObject(value, MAP_MEMBERS.has(member) ? keptAsGiven : cloudTrailMemberName);
  return undefined;
}

/** Sets a member as data: a caller's map key named `__proto__` must stay a member, not become a prototype. */
function setMember(object: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__')
    Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
  else object[name] = value;
}

/** The members as CloudTrail names and records them, leaving out secret-named members and whatever is not recorded. */
function recordedObject(object: Readonly<Record<string, unknown>>, nameOf: (member: string) => string): JsonObject {
  const recorded: JsonObject = {};
  for (const member of Object.keys(object)) {
    if (isSecretMemberName(member)) continue;
    const value = recordedValue(member, object[member]);
    if (value !== undefined) setMember(recorded, nameOf(member), value);
  }
  return recorded;
}

/** requestParameters, responseElements or serviceEventDetails, secrets removed; null when nothing is left. */
function elementsOrNull(members: Readonly<Record<string, unknown>>): Json {
  const recorded = recordedObject(members, cloudTrailMemberName);
  return Object.keys(recorded).length === 0 ? null : recorded;
}

/** The members a rule records, with its defaults for those the request left out. */
function recordedMembers(rule: RecordingRule, input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const members: Record<string, unknown> = rule.request === 'all' ? { ...input } : {};
  if (rule.request !== 'all') {
    for (const name of rule.request) if (Object.hasOwn(input, name)) members[name] = input[name];
  }
  for (const [name, value] of Object.entries(rule.requestDefaults ?? {})) {
    if (members[name] === undefined) members[name] = value;
  }
  return members;
}

/** Null when the call has no rule, or failed before its input was validated. */
function requestParametersOf(rule: RecordingRule | undefined, input: ApiCallFacts['requestParameters']): Json {
  if (rule === undefined || input === undefined) return null;
  return elementsOrNull(recordedMembers(rule, input));
}

function responseElementsOf(
  rule: RecordingRule | undefined,
  response: ApiCallFacts['responseElements'],
  resourceArns: readonly string[],
): Json {
  if (rule?.response !== 'recorded') return null;
  const keyArn = rule.keyArnInResponse === true ? resourceArns.find(isKeyArn) : undefined;
  return elementsOrNull({ ...response, ...(keyArn === undefined ? {} : { KeyId: keyArn }) });
}

/** CloudTrail's resources: every ARN typed AWS::KMS::Key (alias ARNs too, as AWS's examples show); none, no member. */
function resourcesOf(arns: readonly string[], recipientAccountId: string): JsonObject {
  if (arns.length === 0) return {};
  const accountOf = (arn: string) => arn.split(':')[4] || recipientAccountId;
  return { resources: arns.map((arn) => ({ accountId: accountOf(arn), type: 'AWS::KMS::Key', ARN: arn })) };
}

/** `{ [name]: value }`, or nothing when the value is absent: CloudTrail leaves such members out. */
function optional(name: string, value: Json | undefined): JsonObject {
  return value === undefined ? {} : { [name]: value };
}

function sessionContextOf(identity: AuditIdentity, issuer: NonNullable<AuditIdentity['sessionIssuer']>): JsonObject {
  return {
    sessionIssuer: {
      type: 'Role',
      principalId: issuer.roleId,
      arn: issuer.roleArn,
      accountId: identity.accountId,
      userName: issuer.roleName,
    },
    attributes: {
      ...optional(
        'creationDate',
        identity.sessionCreatedAt === undefined ? undefined : isoSeconds(identity.sessionCreatedAt),
      ),
      // Trent has no MFA.
      mfaAuthenticated: 'false',
    },
    ...optional('sourceIdentity', identity.sourceIdentity),
  };
}

function userIdentityOf(identity: AuditIdentity): JsonObject {
  const { type, principalId, arn, accountId, accessKeyId } = identity;
  const common = { type, principalId, arn, accountId, accessKeyId };
  if (type === 'IAMUser') return { ...common, ...optional('userName', identity.userName) };
  if (type === 'AssumedRole' && identity.sessionIssuer !== undefined) {
    return { ...common, sessionContext: sessionContextOf(identity, identity.sessionIssuer) };
  }
  return common;
}

/** The record as written: whatever built it, the secret filter passes over all of it once more. */
function finalRecord(record: JsonObject): AuditRecord {
  return withoutSecrets(record) as AuditRecord;
}

/** The AwsApiCall record of one authenticated call, allowed or denied, successful or failed. */
export function apiCallRecord(facts: ApiCallFacts): AuditRecord {
  const rule = recordingRule(facts.eventSource, facts.eventName);
  const failure: JsonObject =
    facts.error === undefined ? {} : { errorCode: facts.error.code, errorMessage: facts.error.message };
  return finalRecord({
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(facts.identity),
    eventTime: isoSeconds(facts.eventTime),
    eventSource: facts.eventSource,
    eventName: facts.eventName,
    awsRegion: facts.awsRegion,
    sourceIPAddress: facts.sourceIPAddress,
    userAgent: facts.userAgent,
    ...failure,
    requestParameters: requestParametersOf(rule, facts.requestParameters),
    responseElements:
      facts.error === undefined ? responseElementsOf(rule, facts.responseElements, facts.resourceArns) : null,
    requestID: facts.requestId,
    eventID: facts.eventId,
    readOnly: facts.readOnly,
    ...resourcesOf(facts.resourceArns, facts.recipientAccountId),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: facts.recipientAccountId,
    eventCategory: 'Management',
  });
}

/** The AwsServiceEvent record of something the service did itself, e.g. KMS's DeleteKey after a waiting period. */
export function serviceEventRecord(facts: ServiceEventFacts): AuditRecord {
  const rule = recordingRule(facts.eventSource, facts.eventName);
  const details = facts.serviceEventDetails === undefined ? undefined : elementsOrNull(facts.serviceEventDetails);
  return finalRecord({
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId: facts.recipientAccountId, invokedBy: facts.eventSource },
    eventTime: isoSeconds(facts.eventTime),
    eventSource: facts.eventSource,
    eventName: facts.eventName,
    awsRegion: facts.awsRegion,
    sourceIPAddress: AWS_INTERNAL,
    userAgent: AWS_INTERNAL,
    requestParameters: null,
    responseElements: responseElementsOf(rule, undefined, facts.resourceArns),
    eventID: facts.eventId,
    readOnly: false,
    ...resourcesOf(facts.resourceArns, facts.recipientAccountId),
    eventType: 'AwsServiceEvent',
    recipientAccountId: facts.recipientAccountId,
    ...optional('serviceEventDetails', details),
    managementEvent: true,
    eventCategory: 'Management',
  });
}
