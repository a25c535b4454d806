// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in policy text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluatePolicy, principalMatch, statementApplies } from './evaluate.js';
import type {
  EvaluationPrincipal,
  EvaluationRequest,
  PolicyCondition,
  PolicyDocument,
  PolicyStatement,
  StatementOutcome,
} from './policy.js';

// The cast of characters: one account with its root, a user, a role and a session of that role; and a user of
// another account.
const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ops/Admin`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob`;
const MALLORY = 'arn:aws:iam::444455556666:user/mallory';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

const callers = {
  root: { arn: ROOT, accountId: ACCOUNT },
  alice: { arn: ALICE, accountId: ACCOUNT },
  session: { arn: SESSION, accountId: ACCOUNT, roleArn: ROLE },
  mallory: { arn: MALLORY, accountId: '444455556666' },
} satisfies Record<string, EvaluationPrincipal>;

type CallerName = keyof typeof callers;
type Context = Readonly<Record<string, string | readonly string[]>>;

interface RequestSpec {
  readonly caller?: CallerName;
  readonly action?: string;
  readonly resource?: string;
  readonly context?: Context;
}

function request({ caller = 'alice', action = 'kms:Encrypt', resource = KEY, context = {} }: RequestSpec = {}) {
  const entries = Object.entries(context).map(([key, value]): [string, readonly string[]] => [
    key.toLowerCase(),
    typeof value === 'string' ? [value] : value,
  ]);
  return { principal: callers[caller], action, resource, context: new Map(entries) } satisfies EvaluationRequest;
}

type StatementSpec = Partial<Omit<PolicyStatement, 'index'>>;

/** A statement with defaults: Allow, kms:*, every resource, no principal (an identity-policy statement). */
function statement(spec: StatementSpec, index = 0): PolicyStatement {
  const hasAction = 'action' in spec || 'notAction' in spec;
  const hasResource = 'resource' in spec || 'notResource' in spec;
  return {
    sid: undefined,
    effect: 'Allow',
    conditions: [],
    ...(hasAction ? {} : { action: ['kms:*'] }),
    ...(hasResource ? {} : { resource: ['*'] }),
    ...spec,
    index,
  };
}

const allow = (spec: StatementSpec = {}): StatementSpec => ({ ...spec, effect: 'Allow' });
const deny = (spec: StatementSpec = {}): StatementSpec => ({ ...spec, effect: 'Deny' });

function policy(specs: readonly StatementSpec[], version: PolicyDocument['version'] = '2012-10-17'): PolicyDocument {
  return { version, statements: specs.map((spec, index) => statement(spec, index)) };
}

function condition(operator: string, key: string, values: string | readonly string[]): PolicyCondition {
  return { operator, key, values: typeof values === 'string' ? [values] : values };
}

interface Case {
  readonly name: string;
  readonly policy: PolicyDocument;
  readonly request: EvaluationRequest;
  readonly outcome: StatementOutcome;
  readonly allowKind?: 'principal' | 'account';
  /** The Sid of the statement expected to decide. */
  readonly decidedBy?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions, one row each: operator, key, policy values, request context, and whether the condition holds
// (true), fails (false) or cannot be decided ('unknown'). Every row becomes two decision cases: an Allow guarded
// by the condition (applies only when true), and a Deny guarded by it beside an allow-all (applies unless false).
// ---------------------------------------------------------------------------------------------------------------

type Truth = boolean | 'unknown';
type ConditionRow = readonly [
  note: string,
  operator: string,
  key: string,
  values: string | readonly string[],
  context: Context,
  holds: Truth,
  version?: PolicyDocument['version'],
];

const EC = 'kms:EncryptionContext:Department';
const ec = (value: string | readonly string[]): Context => ({ 'kms:EncryptionContext:Department': value });
const NOW = '2025-06-01T12:00:00Z';
const now: Context = { 'aws:CurrentTime': NOW, 'aws:EpochTime': '1748779200' };
const ip = (address: string): Context => ({ 'aws:SourceIp': address });
const tags = (...keys: string[]): Context => ({ 'aws:TagKeys': keys });
const owner = (value: string, extra: Context = {}): Context => ({ 'kms:EncryptionContext:owner': value, ...extra });
const principalArn = (arn: string): Context => ({ 'aws:PrincipalArn': arn });
const BLOB = Buffer.from('binary value').toString('base64');

const conditionRows: readonly ConditionRow[] = [
  // String operators: case-sensitive values, several values OR, negated operators NOR.
  ['equal value', 'StringEquals', EC, 'IT', ec('IT'), true],
  ['values compare case-sensitively', 'StringEquals', EC, 'IT', ec('it'), false],
  ['the key name is case-insensitive', 'StringEquals', 'KMS:ENCRYPTIONCONTEXT:DEPARTMENT', 'IT', ec('IT'), true],
  ['one of several values', 'StringEquals', EC, ['IT', 'HR'], ec('HR'), true],
  ['none of several values', 'StringEquals', EC, ['IT', 'HR'], ec('Sales'), false],
  ['absent key', 'StringEquals', EC, 'IT', {}, false],
  ['a star is literal', 'StringEquals', EC, '*', ec('anything'), false],
  ['a literal star', 'StringEquals', EC, '*', ec('*'), true],
  ['empty value', 'StringEquals', EC, '', ec(''), true],
  ['different value', 'StringNotEquals', EC, 'IT', ec('HR'), true],
  ['same value', 'StringNotEquals', EC, 'IT', ec('IT'), false],
  ['NOR: equals one of the values', 'StringNotEquals', EC, ['IT', 'HR'], ec('HR'), false],
  ['NOR: equals none of the values', 'StringNotEquals', EC, ['IT', 'HR'], ec('Sales'), true],
  ['absent key is true for a negated operator', 'StringNotEquals', EC, 'IT', {}, true],
  ['differs only in case', 'StringNotEquals', EC, 'IT', ec('it'), true],
  ['ignores case', 'StringEqualsIgnoreCase', EC, 'it', ec('IT'), true],
  ['ignores case, different value', 'StringEqualsIgnoreCase', EC, 'it', ec('Sales'), false],
  ['ignores case, absent key', 'StringEqualsIgnoreCase', EC, 'it', {}, false],
  ['negated, ignoring case, same value', 'StringNotEqualsIgnoreCase', EC, 'it', ec('IT'), false],
  ['negated, ignoring case, different value', 'StringNotEqualsIgnoreCase', EC, 'it', ec('Sales'), true],
  ['negated, ignoring case, absent key', 'StringNotEqualsIgnoreCase', EC, 'it', {}, true],
  ['star matches a run', 'StringLike', EC, 'Dep*', ec('Department'), true],
  ['star matches an empty run', 'StringLike', EC, 'Dep*', ec('Dep'), true],
  ['question mark matches one character', 'StringLike', EC, 'Dep?', ec('Dept'), true],
  ['question mark matches exactly one', 'StringLike', EC, 'Dep?', ec('Depts'), false],
  ['like is case-sensitive', 'StringLike', EC, 'dep*', ec('Department'), false],
  ['star alone matches the empty string', 'StringLike', EC, '*', ec(''), true],
  ['stars in the middle', 'StringLike', EC, 'a*b*c', ec('aXbYc'), true],
  ['stars in order only', 'StringLike', EC, 'a*b*c', ec('aXcYb'), false],
  ['without wildcards like is equality', 'StringLike', EC, 'IT', ec('IT-2'), false],
  ['like, absent key', 'StringLike', EC, '*', {}, false],
  ['one of several patterns', 'StringLike', EC, ['HR*', 'IT*'], ec('IT-2'), true],
  ['not like, matching', 'StringNotLike', EC, 'Dep*', ec('Department'), false],
  ['not like, not matching', 'StringNotLike', EC, 'Dep*', ec('Finance'), true],
  ['not like, absent key', 'StringNotLike', EC, 'Dep*', {}, true],
  ['not like, NOR over patterns', 'StringNotLike', EC, ['HR*', 'IT*'], ec('IT-2'), false],
  // ...IfExists: true when the key is absent, the plain operator otherwise.
  ['IfExists, absent key', 'StringEqualsIfExists', EC, 'IT', {}, true],
  ['IfExists, present and equal', 'StringEqualsIfExists', EC, 'IT', ec('IT'), true],
  ['IfExists, present and different', 'StringEqualsIfExists', EC, 'IT', ec('HR'), false],
  ['negated IfExists, absent key', 'StringNotEqualsIfExists', EC, 'IT', {}, true],
  ['negated IfExists, present and equal', 'StringNotEqualsIfExists', EC, 'IT', ec('IT'), false],
  ['like IfExists, absent key', 'StringLikeIfExists', EC, 'x*', {}, true],
  ['like IfExists, present, no match', 'StringLikeIfExists', EC, 'x*', ec('IT'), false],
  // Numeric operators: the request value on the left, the policy value on the right.
  ['numbers equal', 'NumericEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '10' }, true],
  ['numbers compare as numbers', 'NumericEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '10.0' }, true],
  ['numbers differ', 'NumericEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '11' }, false],
  ['numbers, absent key', 'NumericEquals', 'kms:KeyLength', '10', {}, false],
  ['not equal numbers', 'NumericNotEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '11' }, true],
  ['not equal, same number', 'NumericNotEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '10' }, false],
  ['not equal, absent key', 'NumericNotEquals', 'kms:KeyLength', '10', {}, true],
  ['less than', 'NumericLessThan', 'kms:KeyLength', '10', { 'kms:KeyLength': '9' }, true],
  ['less than, equal', 'NumericLessThan', 'kms:KeyLength', '10', { 'kms:KeyLength': '10' }, false],
  ['less than or equal', 'NumericLessThanEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '10' }, true],
  ['less than or equal, greater', 'NumericLessThanEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '11' }, false],
  ['greater than', 'NumericGreaterThan', 'kms:KeyLength', '10', { 'kms:KeyLength': '11' }, true],
  ['greater than, equal', 'NumericGreaterThan', 'kms:KeyLength', '10', { 'kms:KeyLength': '10' }, false],
  ['greater or equal', 'NumericGreaterThanEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '10' }, true],
  ['greater or equal, less', 'NumericGreaterThanEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': '9' }, false],
  ['negative decimals', 'NumericGreaterThan', 'kms:KeyLength', '-1.5', { 'kms:KeyLength': '-1' }, true],
  ['less than, absent key', 'NumericLessThan', 'kms:KeyLength', '10', {}, false],
  ['less than IfExists, absent key', 'NumericLessThanIfExists', 'kms:KeyLength', '10', {}, true],
  ['unparsable policy number', 'NumericEquals', 'kms:KeyLength', 'ten', { 'kms:KeyLength': '10' }, 'unknown'],
  ['hex is not a number', 'NumericEquals', 'kms:KeyLength', '0x10', { 'kms:KeyLength': '16' }, 'unknown'],
  ['another value decides', 'NumericEquals', 'kms:KeyLength', ['ten', '10'], { 'kms:KeyLength': '10' }, true],
  ['unparsable request number', 'NumericEquals', 'kms:KeyLength', '10', { 'kms:KeyLength': 'abc' }, 'unknown'],
  ['negated, unparsable', 'NumericNotEquals', 'kms:KeyLength', 'ten', { 'kms:KeyLength': '10' }, 'unknown'],
  // Date operators: ISO 8601 or epoch seconds, compared as instants.
  ['before a date', 'DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', now, true],
  ['not after a date', 'DateGreaterThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', now, false],
  ['after a date', 'DateGreaterThan', 'aws:CurrentTime', '2020-01-01T00:00:00Z', now, true],
  ['same instant, another zone', 'DateEquals', 'aws:CurrentTime', '2025-06-01T14:00:00+02:00', now, true],
  ['same instant in epoch seconds', 'DateEquals', 'aws:CurrentTime', '1748779200', now, true],
  ['epoch time against ISO', 'DateEquals', 'aws:EpochTime', NOW, now, true],
  ['different instants', 'DateNotEquals', 'aws:CurrentTime', '2025-06-01T12:00:01Z', now, true],
  ['not different', 'DateNotEquals', 'aws:CurrentTime', NOW, now, false],
  ['less or equal, equal', 'DateLessThanEquals', 'aws:CurrentTime', NOW, now, true],
  ['less or equal, later', 'DateLessThanEquals', 'aws:CurrentTime', '2025-06-01T11:59:59Z', now, false],
  ['greater or equal, equal', 'DateGreaterThanEquals', 'aws:CurrentTime', NOW, now, true],
  ['greater or equal, earlier', 'DateGreaterThanEquals', 'aws:CurrentTime', '2025-06-01T12:00:01Z', now, false],
  ['a bare date is midnight UTC', 'DateLessThan', 'aws:CurrentTime', '2025-06-02', now, true],
  ['a bare date, passed', 'DateLessThan', 'aws:CurrentTime', '2025-06-01', now, false],
  ['no zone means UTC', 'DateEquals', 'aws:CurrentTime', '2025-06-01T12:00:00', now, true],
  ['milliseconds count', 'DateLessThan', 'aws:CurrentTime', '2025-06-01T12:00:00.001Z', now, true],
  ['no thirteenth month', 'DateEquals', 'aws:CurrentTime', '2025-13-01T00:00:00Z', now, 'unknown'],
  ['no thirty-first of June', 'DateLessThan', 'aws:CurrentTime', '2025-06-31T00:00:00Z', now, 'unknown'],
  ['not a date', 'DateLessThan', 'aws:CurrentTime', 'next tuesday', now, 'unknown'],
  ['unparsable request date', 'DateLessThan', 'aws:CurrentTime', NOW, { 'aws:CurrentTime': 'now' }, 'unknown'],
  ['dates, absent key', 'DateGreaterThan', 'aws:TokenIssueTime', NOW, now, false],
  ['dates IfExists, absent key', 'DateGreaterThanIfExists', 'aws:TokenIssueTime', NOW, now, true],
  ['negated dates, absent key', 'DateNotEquals', 'aws:TokenIssueTime', NOW, now, true],
  // Bool.
  ['true is true', 'Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'true' }, true],
  ['false is not true', 'Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'false' }, false],
  ['false is false', 'Bool', 'aws:SecureTransport', 'false', { 'aws:SecureTransport': 'false' }, true],
  ['bool, absent key', 'Bool', 'aws:SecureTransport', 'true', {}, false],
  ['bool IfExists, absent key', 'BoolIfExists', 'aws:SecureTransport', 'true', {}, true],
  ['not a boolean', 'Bool', 'aws:SecureTransport', 'yes', { 'aws:SecureTransport': 'true' }, 'unknown'],
  // BinaryEquals: base64 values compared as bytes.
  ['same bytes', 'BinaryEquals', 'test:Blob', BLOB, { 'test:Blob': BLOB }, true],
  ['other bytes', 'BinaryEquals', 'test:Blob', BLOB, { 'test:Blob': 'AAAA' }, false],
  ['binary, absent key', 'BinaryEquals', 'test:Blob', BLOB, {}, false],
  ['binary IfExists, absent key', 'BinaryEqualsIfExists', 'test:Blob', BLOB, {}, true],
  ['not base64', 'BinaryEquals', 'test:Blob', 'not base64!', { 'test:Blob': BLOB }, 'unknown'],
  // IP addresses: IPv4 and IPv6 CIDR, a bare address being one host.
  ['inside an IPv4 block', 'IpAddress', 'aws:SourceIp', '203.0.113.0/24', ip('203.0.113.9'), true],
  ['outside an IPv4 block', 'IpAddress', 'aws:SourceIp', '203.0.113.0/24', ip('198.51.100.1'), false],
  ['a bare address is one host', 'IpAddress', 'aws:SourceIp', '203.0.113.9', ip('203.0.113.9'), true],
  ['a bare address, another host', 'IpAddress', 'aws:SourceIp', '203.0.113.9', ip('203.0.113.10'), false],
  ['host bits in the block are ignored', 'IpAddress', 'aws:SourceIp', '10.1.2.3/8', ip('10.200.0.1'), true],
  ['everything', 'IpAddress', 'aws:SourceIp', '0.0.0.0/0', ip('198.51.100.1'), true],
  ['inside an IPv6 block', 'IpAddress', 'aws:SourceIp', '2001:db8::/32', ip('2001:db8:1::1'), true],
  ['outside an IPv6 block', 'IpAddress', 'aws:SourceIp', '2001:db8::/32', ip('2001:db9::1'), false],
  ['IPv6 hex ignores case', 'IpAddress', 'aws:SourceIp', '2001:DB8::/32', ip('2001:db8::abcd'), true],
  ['every IPv6 address', 'IpAddress', 'aws:SourceIp', '::/0', ip('2001:db8::1'), true],
  ['an IPv4-mapped client is IPv4', 'IpAddress', 'aws:SourceIp', '203.0.113.0/24', ip('::ffff:203.0.113.9'), true],
  ['IPv6 is not in an IPv4 block', 'IpAddress', 'aws:SourceIp', '0.0.0.0/0', ip('2001:db8::1'), false],
  ['one of several blocks', 'IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '203.0.113.0/24'], ip('10.1.2.3'), true],
  ['addresses, absent key', 'IpAddress', 'aws:SourceIp', '10.0.0.0/8', {}, false],
  ['not in a block', 'NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', ip('198.51.100.1'), true],
  ['not, but in the block', 'NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', ip('203.0.113.9'), false],
  ['not, NOR over blocks', 'NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '203.0.113.0/24'], ip('10.1.2.3'), false],
  ['not, absent key', 'NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', {}, true],
  ['prefix too long', 'IpAddress', 'aws:SourceIp', '203.0.113.0/33', ip('203.0.113.9'), 'unknown'],
  ['octet too large', 'IpAddress', 'aws:SourceIp', '300.1.1.1/8', ip('203.0.113.9'), 'unknown'],
  ['request not an address', 'IpAddress', 'aws:SourceIp', '10.0.0.0/8', ip('not-an-ip'), 'unknown'],
  ['negated, policy not a block', 'NotIpAddress', 'aws:SourceIp', 'garbage', ip('203.0.113.9'), 'unknown'],
  // ARN operators: per part, case-sensitive, wildcards in every part (ArnEquals documented alike).
  ['same ARN', 'ArnEquals', 'aws:SourceArn', 'arn:aws:s3:::bucket', { 'aws:SourceArn': 'arn:aws:s3:::bucket' }, true],
  [
    'another ARN',
    'ArnEquals',
    'aws:SourceArn',
    'arn:aws:s3:::bucket',
    { 'aws:SourceArn': 'arn:aws:s3:::other' },
    false,
  ],
  [
    'ArnEquals takes wildcards too',
    'ArnEquals',
    'aws:PrincipalArn',
    `arn:aws:iam::${ACCOUNT}:user/*`,
    principalArn(ALICE),
    true,
  ],
  ['role path wildcard', 'ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:role/*`, principalArn(ROLE), true],
  ['account wildcard', 'ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/ops/*', principalArn(ROLE), true],
  ['users are not roles', 'ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:user/*`, principalArn(ROLE), false],
  ['star resource part', 'ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:*`, principalArn(ALICE), true],
  [
    'ARNs are case-sensitive',
    'ArnLike',
    'aws:PrincipalArn',
    `arn:aws:iam::${ACCOUNT}:user/ALICE`,
    principalArn(ALICE),
    false,
  ],
  [
    'a part wildcard stops at its colon',
    'ArnLike',
    'aws:SourceArn',
    'arn:aws:kms:*:*:key/k',
    { 'aws:SourceArn': 'arn:aws:kms:a:b:c:key/k' },
    false,
  ],
  [
    'not like, matching',
    'ArnNotLike',
    'aws:PrincipalArn',
    `arn:aws:iam::${ACCOUNT}:user/*`,
    principalArn(ALICE),
    false,
  ],
  [
    'not like, not matching',
    'ArnNotLike',
    'aws:PrincipalArn',
    `arn:aws:iam::${ACCOUNT}:user/*`,
    principalArn(ROLE),
    true,
  ],
  ['ARN, absent key', 'ArnLike', 'aws:SourceArn', 'arn:aws:s3:::*', {}, false],
  ['negated ARN, absent key', 'ArnNotEquals', 'aws:SourceArn', 'arn:aws:s3:::*', {}, true],
  ['ARN IfExists, absent key', 'ArnLikeIfExists', 'aws:SourceArn', 'arn:aws:s3:::*', {}, true],
  ['request not an ARN', 'ArnLike', 'aws:SourceArn', 'arn:aws:s3:::*', { 'aws:SourceArn': 'bucket' }, 'unknown'],
  ['policy not an ARN', 'ArnLike', 'aws:SourceArn', 'arn:aws:s3', { 'aws:SourceArn': 'arn:aws:s3:::b' }, 'unknown'],
  // Null: true means the key is absent, false that it is present.
  ['null true, absent', 'Null', 'aws:TokenIssueTime', 'true', {}, true],
  ['null true, present', 'Null', 'aws:TokenIssueTime', 'true', { 'aws:TokenIssueTime': NOW }, false],
  ['null false, present', 'Null', 'aws:TokenIssueTime', 'false', { 'aws:TokenIssueTime': NOW }, true],
  ['null false, absent', 'Null', 'aws:TokenIssueTime', 'false', {}, false],
  ['null, not a boolean', 'Null', 'aws:TokenIssueTime', 'maybe', {}, 'unknown'],
  ['null has no IfExists', 'NullIfExists', 'aws:TokenIssueTime', 'true', {}, 'unknown'],
  ['null has no set form', 'ForAnyValue:Null', 'aws:TokenIssueTime', 'true', {}, 'unknown'],
  // Set operators on multivalued keys.
  [
    'any value: one matches',
    'ForAnyValue:StringEquals',
    'aws:TagKeys',
    ['Department', 'Project'],
    tags('Department', 'Other'),
    true,
  ],
  [
    'any value: none matches',
    'ForAnyValue:StringEquals',
    'aws:TagKeys',
    ['Department', 'Project'],
    tags('Other'),
    false,
  ],
  ['any value: empty set is false', 'ForAnyValue:StringEquals', 'aws:TagKeys', 'Department', {}, false],
  ['any value IfExists: absent', 'ForAnyValue:StringEqualsIfExists', 'aws:TagKeys', 'Department', {}, true],
  [
    'any value, like',
    'ForAnyValue:StringLike',
    'kms:ResourceAliases',
    'alias/fin-*',
    {
      'kms:ResourceAliases': ['alias/fin-key', 'alias/x'],
    },
    true,
  ],
  ['any value, negated: one differs', 'ForAnyValue:StringNotEquals', 'aws:TagKeys', 'a', tags('a', 'b'), true],
  ['any value, negated: none differs', 'ForAnyValue:StringNotEquals', 'aws:TagKeys', 'a', tags('a'), false],
  ['any value, negated: empty set', 'ForAnyValue:StringNotEquals', 'aws:TagKeys', 'a', {}, false],
  [
    'all values: every one matches',
    'ForAllValues:StringEquals',
    'aws:TagKeys',
    ['Department', 'Project'],
    tags('Department', 'Project'),
    true,
  ],
  [
    'all values: a subset matches',
    'ForAllValues:StringEquals',
    'aws:TagKeys',
    ['Department', 'Project'],
    tags('Project'),
    true,
  ],
  [
    'all values: one does not',
    'ForAllValues:StringEquals',
    'aws:TagKeys',
    ['Department', 'Project'],
    tags('Department', 'Other'),
    false,
  ],
  ['all values: empty set is TRUE', 'ForAllValues:StringEquals', 'aws:TagKeys', 'Department', {}, true],
  ['all values, like', 'ForAllValues:StringLike', 'aws:TagKeys', 'key1*', tags('key1a', 'key1b'), true],
  ['all values, not like (AWS example)', 'ForAllValues:StringNotLike', 'aws:TagKeys', 'key1*', tags('key2'), true],
  [
    'all values, not like, one like',
    'ForAllValues:StringNotLike',
    'aws:TagKeys',
    'key1*',
    tags('key1a', 'key2'),
    false,
  ],
  ['all values, not like, empty set', 'ForAllValues:StringNotLike', 'aws:TagKeys', 'key1*', {}, true],
  ['set operator names ignore case', 'forallvalues:stringequals', 'aws:TagKeys', 'a', tags('a'), true],
  [
    'any value: a match outweighs an unknown',
    'ForAnyValue:NumericEquals',
    'test:Sizes',
    '5',
    {
      'test:Sizes': ['x', '5'],
    },
    true,
  ],
  [
    'any value: otherwise unknown',
    'ForAnyValue:NumericEquals',
    'test:Sizes',
    '5',
    { 'test:Sizes': ['x', '6'] },
    'unknown',
  ],
  [
    'all values: a miss outweighs an unknown',
    'ForAllValues:NumericEquals',
    'test:Sizes',
    '5',
    {
      'test:Sizes': ['x', '6'],
    },
    false,
  ],
  [
    'all values: otherwise unknown',
    'ForAllValues:NumericEquals',
    'test:Sizes',
    '5',
    { 'test:Sizes': ['x', '5'] },
    'unknown',
  ],
  // A plain operator on several request values: defined only where every value agrees.
  ['plain, several values all match', 'StringLike', 'aws:TagKeys', 'x*', tags('x1', 'x2'), true],
  ['plain, several values none match', 'StringEquals', 'aws:TagKeys', 'a', tags('b', 'c'), false],
  ['plain, several values disagree', 'StringEquals', 'aws:TagKeys', 'a', tags('a', 'b'), 'unknown'],
  ['plain negated, all differ', 'StringNotEquals', 'aws:TagKeys', 'a', tags('b', 'c'), true],
  ['plain negated, disagree', 'StringNotEquals', 'aws:TagKeys', 'a', tags('a', 'b'), 'unknown'],
  // Operators IAM does not define.
  ['misspelt operator', 'StringEqualz', EC, 'IT', ec('IT'), 'unknown'],
  ['unknown set operator', 'ForSomeValues:StringEquals', EC, 'IT', ec('IT'), 'unknown'],
  ['no such negation', 'NumericNotLessThan', 'kms:KeyLength', '10', { 'kms:KeyLength': '11' }, 'unknown'],
  ['no binary negation', 'BinaryNotEquals', 'test:Blob', BLOB, { 'test:Blob': 'AAAA' }, 'unknown'],
  ['operator names ignore case', 'stringequals', EC, 'IT', ec('IT'), true],
  // Policy variables (2012-10-17): substituted from the context, literal, escapes, defaults.
  [
    'variable equals',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${aws:username}',
    owner('alice', {
      'aws:username': 'alice',
    }),
    true,
  ],
  [
    'variable differs',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${aws:username}',
    owner('bob', {
      'aws:username': 'alice',
    }),
    false,
  ],
  [
    'variable in a pattern',
    'StringLike',
    'kms:EncryptionContext:owner',
    '${aws:username}-*',
    owner('alice-1', {
      'aws:username': 'alice',
    }),
    true,
  ],
  [
    'variable names ignore case',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${AWS:UserName}',
    owner('alice', {
      'aws:username': 'alice',
    }),
    true,
  ],
  [
    'unresolvable variable',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${aws:username}',
    owner('alice'),
    'unknown',
  ],
  [
    'unresolvable variable, negated',
    'StringNotEquals',
    'kms:EncryptionContext:owner',
    '${aws:username}',
    owner('alice'),
    'unknown',
  ],
  [
    'unresolvable, another value matches',
    'StringEquals',
    'kms:EncryptionContext:owner',
    ['${aws:username}', 'alice'],
    owner('alice'),
    true,
  ],
  [
    'multivalued keys are not variables',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${aws:TagKeys}',
    owner('a', {
      'aws:TagKeys': ['a', 'b'],
    }),
    'unknown',
  ],
  ['default value', 'StringEquals', 'kms:EncryptionContext:owner', "${aws:username, 'nobody'}", owner('nobody'), true],
  [
    'default value unused',
    'StringEquals',
    'kms:EncryptionContext:owner',
    "${aws:username, 'nobody'}",
    owner('nobody', {
      'aws:username': 'alice',
    }),
    false,
  ],
  ['escaped star', 'StringEquals', 'kms:EncryptionContext:owner', '${*}', owner('*'), true],
  ['escaped star is literal in a pattern', 'StringLike', 'kms:EncryptionContext:owner', 'a${*}', owner('ab'), false],
  ['escaped star matches a star', 'StringLike', 'kms:EncryptionContext:owner', 'a${*}', owner('a*'), true],
  ['escaped question mark', 'StringLike', 'kms:EncryptionContext:owner', '${?}', owner('x'), false],
  ['escaped dollar', 'StringEquals', 'kms:EncryptionContext:owner', '${$}{x}', owner('${x}'), true],
  [
    'substituted wildcards stay literal',
    'StringLike',
    'kms:EncryptionContext:owner',
    '${aws:PrincipalTag/p}',
    owner('anything', { 'aws:PrincipalTag/p': '*' }),
    false,
  ],
  [
    'variable in an ARN',
    'ArnLike',
    'aws:PrincipalArn',
    'arn:aws:iam::${aws:PrincipalAccount}:user/*',
    {
      ...principalArn(ALICE),
      'aws:PrincipalAccount': ACCOUNT,
    },
    true,
  ],
  [
    '2008-10-17: no substitution',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${aws:username}',
    owner('alice', {
      'aws:username': 'alice',
    }),
    false,
    '2008-10-17',
  ],
  [
    '2008-10-17: the text is literal',
    'StringEquals',
    'kms:EncryptionContext:owner',
    '${aws:username}',
    owner('${aws:username}'),
    true,
    '2008-10-17',
  ],
  [
    '2008-10-17: a star still matches',
    'StringLike',
    'kms:EncryptionContext:owner',
    '${*}',
    owner('${anything}'),
    true,
    '2008-10-17',
  ],
];

function conditionCases([note, operator, key, values, context, holds, version]: ConditionRow): Case[] {
  const guard = { conditions: [condition(operator, key, values)] };
  const name = `${operator} ${JSON.stringify(values)}: ${note}`;
  return [
    {
      name: `Allow if ${name}`,
      policy: policy([allow(guard)], version),
      request: request({ context }),
      outcome: holds === true ? 'Allow' : 'NotApplicable',
      ...(holds === true ? { allowKind: 'principal' as const } : {}),
    },
    {
      name: `Deny if ${name}`,
      policy: policy([allow(), deny(guard)], version),
      request: request({ context }),
      outcome: holds === false ? 'Allow' : 'Deny',
      ...(holds === false ? { allowKind: 'principal' as const } : {}),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Principals, actions, resources and whole statements, each case a line: name, statements, request, expected
// outcome ('Allow' names the caller itself; 'Allow via account' only its account), optionally the deciding Sid.
// ---------------------------------------------------------------------------------------------------------------

type Expected = 'Allow' | 'Allow via account' | 'Deny' | 'NotApplicable';

function decision(
  name: string,
  specs: readonly StatementSpec[] | PolicyDocument,
  spec: RequestSpec,
  expected: Expected,
  decidedBy?: string,
): Case {
  return {
    name,
    policy: 'statements' in specs ? specs : policy(specs),
    request: request(spec),
    outcome: expected === 'Allow via account' ? 'Allow' : expected,
    ...(expected === 'Allow' ? { allowKind: 'principal' as const } : {}),
    ...(expected === 'Allow via account' ? { allowKind: 'account' as const } : {}),
    ...(decidedBy === undefined ? {} : { decidedBy }),
  };
}

const aws = (...names: string[]) => ({ AWS: names });
const alice: RequestSpec = { caller: 'alice' };
const root: RequestSpec = { caller: 'root' };
const session: RequestSpec = { caller: 'session' };
const mallory: RequestSpec = { caller: 'mallory' };
const everyone = allow({ principal: '*' });

const principalCases: Case[] = [
  decision('Principal * allows anyone', [everyone], mallory, 'Allow'),
  decision('AWS * allows anyone', [allow({ principal: aws('*') })], session, 'Allow'),
  decision('a user by ARN', [allow({ principal: aws(ALICE) })], alice, 'Allow'),
  decision('a user ARN does not cover the root', [allow({ principal: aws(ALICE) })], root, 'NotApplicable'),
  decision('a user ARN does not cover another user', [allow({ principal: aws(ALICE) })], session, 'NotApplicable'),
  decision(
    'the account root covers a user only via the account',
    [allow({ principal: aws(ROOT) })],
    alice,
    'Allow via account',
  ),
  decision(
    'the account root covers a session only via the account',
    [allow({ principal: aws(ROOT) })],
    session,
    'Allow via account',
  ),
  decision('the account root names the root itself', [allow({ principal: aws(ROOT) })], root, 'Allow'),
  decision('a bare account id is the root', [allow({ principal: aws(ACCOUNT) })], root, 'Allow'),
  decision(
    'a bare account id covers a user via the account',
    [allow({ principal: aws(ACCOUNT) })],
    alice,
    'Allow via account',
  ),
  decision('another account root', [allow({ principal: aws(ROOT) })], mallory, 'NotApplicable'),
  decision('a role covers its sessions', [allow({ principal: aws(ROLE) })], session, 'Allow'),
  decision('a session by its ARN', [allow({ principal: aws(SESSION) })], session, 'Allow'),
  decision('a role does not cover a user', [allow({ principal: aws(ROLE) })], alice, 'NotApplicable'),
  decision(
    'principal ARNs are exact',
    [allow({ principal: aws(`arn:aws:iam::${ACCOUNT}:user/Alice`) })],
    alice,
    'NotApplicable',
  ),
  decision(
    'the exact name outweighs the account in one block',
    [allow({ principal: aws(ROOT, ALICE) })],
    alice,
    'Allow',
  ),
  decision(
    'an exact statement outweighs an earlier account statement',
    [allow({ sid: 'EnableIam', principal: aws(ROOT) }), allow({ sid: 'Alice', principal: aws(ALICE) })],
    alice,
    'Allow',
    'Alice',
  ),
  decision(
    'the account statement decides when nothing names the caller',
    [allow({ sid: 'EnableIam', principal: aws(ROOT) }), allow({ sid: 'Bob', principal: aws(SESSION) })],
    alice,
    'Allow via account',
    'EnableIam',
  ),
  decision(
    'a service principal never names an IAM caller',
    [allow({ principal: { Service: ['kms.amazonaws.com'] } })],
    alice,
    'NotApplicable',
  ),
  decision('an empty principal block names nobody', [allow({ principal: {} })], alice, 'NotApplicable'),
  decision('a Deny naming the account denies its users', [everyone, deny({ principal: aws(ROOT) })], alice, 'Deny'),
  decision(
    'a Deny naming the account denies its sessions',
    [everyone, deny({ principal: aws(ACCOUNT) })],
    session,
    'Deny',
  ),
  decision(
    'a Deny naming the account binds the root too',
    [allow({ principal: aws(ROOT) }), deny({ principal: aws(ROOT) })],
    root,
    'Deny',
  ),
  decision(
    'a Deny naming the account spares other accounts',
    [everyone, deny({ principal: aws(ROOT) })],
    mallory,
    'Allow',
  ),
  decision('a Deny naming a user spares a session', [everyone, deny({ principal: aws(ALICE) })], session, 'Allow'),
  decision('a Deny naming a role denies its sessions', [everyone, deny({ principal: aws(ROLE) })], session, 'Deny'),
  decision('the root is bound by the key policy', [allow({ principal: aws(ALICE) })], root, 'NotApplicable'),
  // NotPrincipal: supported only with Deny; a caller is exempt only when each of its identities is named.
  decision(
    'NotPrincipal naming only the user still denies the user',
    [allow(), deny({ notPrincipal: aws(ALICE) })],
    alice,
    'Deny',
  ),
  decision(
    'NotPrincipal naming the user and account exempts the user',
    [allow(), deny({ notPrincipal: aws(ALICE, ROOT) })],
    alice,
    'Allow',
  ),
  decision(
    'NotPrincipal with the bare account id',
    [allow(), deny({ notPrincipal: aws(ALICE, ACCOUNT) })],
    alice,
    'Allow',
  ),
  decision('NotPrincipal denies everyone else', [allow(), deny({ notPrincipal: aws(ALICE, ROOT) })], session, 'Deny'),
  decision('NotPrincipal denies other accounts', [allow(), deny({ notPrincipal: aws(ALICE, ROOT) })], mallory, 'Deny'),
  decision(
    'NotPrincipal with role and account exempts a session',
    [allow(), deny({ notPrincipal: aws(ROLE, ROOT) })],
    session,
    'Allow',
  ),
  decision(
    'NotPrincipal with the session but not its role',
    [allow(), deny({ notPrincipal: aws(SESSION, ROOT) })],
    session,
    'Deny',
  ),
  decision(
    'NotPrincipal with the role but not the account',
    [allow(), deny({ notPrincipal: aws(ROLE) })],
    session,
    'Deny',
  ),
  decision(
    'NotPrincipal naming the account exempts the root',
    [allow(), deny({ notPrincipal: aws(ROOT) })],
    root,
    'Allow',
  ),
  decision(
    'NotPrincipal naming the account alone denies its users',
    [allow(), deny({ notPrincipal: aws(ROOT) })],
    alice,
    'Deny',
  ),
  decision('NotPrincipal * exempts everyone', [allow(), deny({ notPrincipal: aws('*') })], mallory, 'Allow'),
  decision('NotPrincipal with Allow never grants', [allow({ notPrincipal: aws(MALLORY) })], alice, 'NotApplicable'),
];

const actionCases: Case[] = [
  decision('an exact action', [allow({ action: ['kms:Encrypt'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision('actions ignore case', [allow({ action: ['kms:encrypt'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision('actions ignore case, upper', [allow({ action: ['KMS:ENCRYPT'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision('another action', [allow({ action: ['kms:Decrypt'] })], { action: 'kms:Encrypt' }, 'NotApplicable'),
  decision('the service wildcard', [allow({ action: ['kms:*'] })], { action: 'kms:ScheduleKeyDeletion' }, 'Allow'),
  decision('everything', [allow({ action: ['*'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision('another service', [allow({ action: ['s3:*'] })], { action: 'kms:Encrypt' }, 'NotApplicable'),
  decision('a prefix', [allow({ action: ['kms:Generate*'] })], { action: 'kms:GenerateDataKeyPair' }, 'Allow'),
  decision(
    'a prefix that does not fit',
    [allow({ action: ['kms:Generate*'] })],
    { action: 'kms:Encrypt' },
    'NotApplicable',
  ),
  decision('a suffix', [allow({ action: ['kms:*Key'] })], { action: 'kms:CreateKey' }, 'Allow'),
  decision(
    'a suffix that does not fit',
    [allow({ action: ['kms:*Key'] })],
    { action: 'kms:CreateAlias' },
    'NotApplicable',
  ),
  decision('one character', [allow({ action: ['kms:En?rypt'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision('exactly one character', [allow({ action: ['kms:En?crypt'] })], { action: 'kms:Encrypt' }, 'NotApplicable'),
  decision(
    'one of a list of actions',
    [allow({ action: ['kms:Decrypt', 'kms:Encrypt'] })],
    { action: 'kms:Encrypt' },
    'Allow',
  ),
  decision(
    'NotAction spares the named action',
    [allow({ notAction: ['kms:Decrypt'] })],
    { action: 'kms:Decrypt' },
    'NotApplicable',
  ),
  decision('NotAction covers the rest', [allow({ notAction: ['kms:Decrypt'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision(
    'NotAction with a wildcard',
    [allow({ notAction: ['kms:ReEncrypt*'] })],
    { action: 'kms:ReEncryptFrom' },
    'NotApplicable',
  ),
  decision(
    'NotAction ignores case',
    [allow({ notAction: ['KMS:DECRYPT'] })],
    { action: 'kms:Decrypt' },
    'NotApplicable',
  ),
  decision('NotAction of everything', [allow({ notAction: ['*'] })], { action: 'kms:Encrypt' }, 'NotApplicable'),
  decision('NotAction of another service', [allow({ notAction: ['s3:*'] })], { action: 'kms:Encrypt' }, 'Allow'),
  decision(
    'a Deny with NotAction denies the rest',
    [allow(), deny({ notAction: ['kms:Decrypt', 'kms:Describe*'] })],
    { action: 'kms:Encrypt' },
    'Deny',
  ),
  decision(
    'a Deny with NotAction spares what it names',
    [allow(), deny({ notAction: ['kms:Decrypt', 'kms:Describe*'] })],
    { action: 'kms:DescribeKey' },
    'Allow',
  ),
];

const KEYS_OF_ACCOUNT = `arn:aws:kms:*:${ACCOUNT}:key/*`;
const BY_USERNAME = `arn:aws:kms:us-east-1:${ACCOUNT}:key/\${aws:username}`;
const BY_ACCOUNT_VARIABLE = 'arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/*';
const withAccount = (account: string): RequestSpec => ({ context: { 'aws:PrincipalAccount': account } });

const resourceCases: Case[] = [
  decision('every resource', [allow({ resource: ['*'] })], {}, 'Allow'),
  decision('the exact key', [allow({ resource: [KEY] })], {}, 'Allow'),
  decision('another key', [allow({ resource: [KEY] })], { resource: OTHER_KEY }, 'NotApplicable'),
  decision(
    'every key of the account in the region',
    [allow({ resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/*`] })],
    {},
    'Allow',
  ),
  decision('any region', [allow({ resource: [KEYS_OF_ACCOUNT] })], {}, 'Allow'),
  decision('a region by pattern', [allow({ resource: [`arn:aws:kms:us-east-?:${ACCOUNT}:key/*`] })], {}, 'Allow'),
  decision('another region', [allow({ resource: [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`] })], {}, 'NotApplicable'),
  decision('another account', [allow({ resource: ['arn:aws:kms:us-east-1:444455556666:key/*'] })], {}, 'NotApplicable'),
  decision(
    'resource ARNs are case-sensitive',
    [allow({ resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:KEY/*`] })],
    {},
    'NotApplicable',
  ),
  decision('aliases are not keys', [allow({ resource: ['arn:aws:kms:*:*:alias/*'] })], {}, 'NotApplicable'),
  decision('one of a list of resources', [allow({ resource: [OTHER_KEY, KEY] })], {}, 'Allow'),
  decision('an account-wide action needs *', [allow({ resource: ['*'] })], { resource: '*' }, 'Allow'),
  decision(
    'an ARN does not cover an account-wide action',
    [allow({ resource: [KEYS_OF_ACCOUNT] })],
    { resource: '*' },
    'NotApplicable',
  ),
  decision(
    'a part wildcard stops at its colon',
    [allow({ resource: ['arn:aws:kms:*:*:key/k'] })],
    { resource: 'arn:aws:kms:a:b:c:key/k' },
    'NotApplicable',
  ),
  decision(
    'the resource part takes colons',
    [allow({ resource: ['arn:aws:kms:a:b:*'] })],
    { resource: 'arn:aws:kms:a:b:c:key/k' },
    'Allow',
  ),
  decision('a malformed resource never allows', [allow({ resource: ['arn:aws:kms:*'] })], {}, 'NotApplicable'),
  decision('a Deny with a malformed resource applies', [allow(), deny({ resource: ['arn:aws:kms:*'] })], {}, 'Deny'),
  decision('NotResource spares the named key', [allow({ notResource: [KEY] })], {}, 'NotApplicable'),
  decision('NotResource covers the rest', [allow({ notResource: [KEY] })], { resource: OTHER_KEY }, 'Allow'),
  decision('NotResource with a wildcard', [allow({ notResource: [KEYS_OF_ACCOUNT] })], {}, 'NotApplicable'),
  decision(
    'a Deny with NotResource covers other keys',
    [allow(), deny({ notResource: [KEY] })],
    { resource: OTHER_KEY },
    'Deny',
  ),
  decision('a Deny with NotResource spares its key', [allow(), deny({ notResource: [KEY] })], {}, 'Allow'),
  decision('a variable in the resource', [allow({ resource: [BY_ACCOUNT_VARIABLE] })], withAccount(ACCOUNT), 'Allow'),
  decision(
    'a variable of another value',
    [allow({ resource: [BY_ACCOUNT_VARIABLE] })],
    withAccount('444455556666'),
    'NotApplicable',
  ),
  decision(
    '2008-10-17 does not substitute in Resource',
    policy([allow({ resource: [BY_ACCOUNT_VARIABLE] })], '2008-10-17'),
    withAccount(ACCOUNT),
    'NotApplicable',
  ),
  decision('an unresolvable variable never allows', [allow({ resource: [BY_USERNAME] })], {}, 'NotApplicable'),
  decision('a Deny with an unresolvable variable applies', [allow(), deny({ resource: [BY_USERNAME] })], {}, 'Deny'),
  decision(
    'a substituted star is literal',
    [allow({ resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/\${aws:PrincipalTag/k}`] })],
    { context: { 'aws:PrincipalTag/k': '*' } },
    'NotApplicable',
  ),
];

const dept = (value: string) => condition('StringEquals', EC, value);
const fromOffice = condition('IpAddress', 'aws:SourceIp', '203.0.113.0/24');
const inOffice = { ...ec('IT'), ...ip('203.0.113.9') };
const project = condition('StringEquals', 'kms:EncryptionContext:Project', 'x');
const unparsable = condition('NumericEquals', 'kms:KeyLength', 'ten');

const combinationCases: Case[] = [
  decision('no statements', [], {}, 'NotApplicable'),
  decision('an identity-policy Allow names the caller', [allow()], {}, 'Allow'),
  decision(
    'an explicit deny after an allow wins',
    [allow({ sid: 'A' }), deny({ sid: 'D', action: ['kms:Encrypt'] })],
    {},
    'Deny',
    'D',
  ),
  decision(
    'an explicit deny before an allow wins',
    [deny({ sid: 'D' }), allow({ sid: 'A', principal: '*' })],
    {},
    'Deny',
    'D',
  ),
  decision('the first of two denies decides', [allow(), deny({ sid: 'D1' }), deny({ sid: 'D2' })], {}, 'Deny', 'D1'),
  decision('the first of two allows decides', [allow({ sid: 'A1' }), allow({ sid: 'A2' })], {}, 'Allow', 'A1'),
  decision(
    'a deny for another action leaves the allow',
    [allow({ sid: 'A' }), deny({ action: ['kms:Decrypt'] })],
    {},
    'Allow',
    'A',
  ),
  decision('a deny for another resource leaves the allow', [allow(), deny({ resource: [OTHER_KEY] })], {}, 'Allow'),
  decision(
    'a deny whose condition fails leaves the allow',
    [allow(), deny({ conditions: [dept('HR')] })],
    { context: ec('IT') },
    'Allow',
  ),
  decision(
    'the allowing statement is the one that applies',
    [allow({ sid: 'HR', conditions: [dept('HR')] }), allow({ sid: 'IT', conditions: [dept('IT')] })],
    { context: ec('IT') },
    'Allow',
    'IT',
  ),
  decision(
    'two operators AND: both hold',
    [allow({ conditions: [dept('IT'), fromOffice] })],
    { context: inOffice },
    'Allow',
  ),
  decision(
    'two operators AND: one fails',
    [allow({ conditions: [dept('IT'), fromOffice] })],
    { context: { ...inOffice, ...ip('198.51.100.1') } },
    'NotApplicable',
  ),
  decision(
    'two keys AND: both hold',
    [allow({ conditions: [dept('IT'), project] })],
    { context: { ...ec('IT'), 'kms:EncryptionContext:Project': 'x' } },
    'Allow',
  ),
  decision(
    'two keys AND: one absent',
    [allow({ conditions: [dept('IT'), project] })],
    { context: ec('IT') },
    'NotApplicable',
  ),
  decision(
    'a failing condition outweighs an unknown one in a Deny',
    [allow(), deny({ conditions: [dept('HR'), unparsable] })],
    { context: { ...ec('IT'), 'kms:KeyLength': '10' } },
    'Allow',
  ),
  decision(
    'an unknown condition in a Deny applies when the rest holds',
    [allow(), deny({ conditions: [dept('IT'), unparsable] })],
    { context: { ...ec('IT'), 'kms:KeyLength': '10' } },
    'Deny',
  ),
  decision(
    'principal, action, resource and condition all match',
    [allow({ principal: aws(ALICE), action: ['kms:Encrypt'], resource: [KEY], conditions: [dept('IT')] })],
    { context: ec('IT') },
    'Allow',
  ),
  // Malformed statements fail closed: never an Allow, always a Deny.
  decision(
    'Action and NotAction together never allow',
    [allow({ action: ['kms:*'], notAction: ['kms:Decrypt'] })],
    {},
    'NotApplicable',
  ),
  decision(
    'Action and NotAction together deny',
    [allow(), deny({ action: ['kms:Decrypt'], notAction: ['kms:Decrypt'] })],
    {},
    'Deny',
  ),
  decision('no Action never allows', [allow({ action: undefined })], {}, 'NotApplicable'),
  decision('an empty Action list never allows', [allow({ action: [] })], {}, 'NotApplicable'),
  decision('an empty NotAction list never allows', [allow({ notAction: [] })], {}, 'NotApplicable'),
  decision('no Resource never allows', [allow({ resource: undefined })], {}, 'NotApplicable'),
  decision('no Resource denies', [allow(), deny({ resource: undefined })], {}, 'Deny'),
  decision(
    'Principal and NotPrincipal together never allow',
    [allow({ principal: '*', notPrincipal: aws(MALLORY) })],
    {},
    'NotApplicable',
  ),
  decision(
    'Principal and NotPrincipal together deny',
    [allow(), deny({ principal: '*', notPrincipal: aws(ALICE, ROOT) })],
    {},
    'Deny',
  ),
  decision(
    'an empty condition value list never allows',
    [allow({ conditions: [condition('StringEquals', EC, [])] })],
    { context: ec('IT') },
    'NotApplicable',
  ),
  decision('an effect other than Allow counts as Deny', [allow(), { effect: 'Permit' as 'Allow' }], {}, 'Deny'),
];

const cases: readonly Case[] = [
  ...conditionRows.flatMap(conditionCases),
  ...principalCases,
  ...actionCases,
  ...resourceCases,
  ...combinationCases,
];

describe('evaluatePolicy: the decision table', () => {
  it('holds at least 250 cases with unique names', () => {
    assert.ok(cases.length >= 250, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  for (const c of cases) {
    it(c.name, () => {
      const result = evaluatePolicy(c.policy, c.request);
      assert.equal(result.outcome, c.outcome);
      assert.equal(result.allowKind, c.allowKind);
      if (c.outcome === 'NotApplicable') assert.equal(result.decidingStatement, undefined);
      else assert.equal(result.decidingStatement?.effect === 'Allow', c.outcome === 'Allow');
      if (c.decidedBy !== undefined) assert.equal(result.decidingStatement?.sid, c.decidedBy);
    });
  }
});

describe('principalMatch', () => {
  it("tells the caller's own name from its account's", () => {
    assert.equal(principalMatch(aws(ALICE), callers.alice), 'exact');
    assert.equal(principalMatch(aws(ROOT), callers.alice), 'account');
    assert.equal(principalMatch(aws(ACCOUNT), callers.session), 'account');
    assert.equal(principalMatch(aws(ROOT), callers.root), 'exact');
    assert.equal(principalMatch(aws(ROLE), callers.session), 'exact');
    assert.equal(principalMatch('*', callers.mallory), 'exact');
    assert.equal(principalMatch(aws(ROOT), callers.mallory), 'none');
    assert.equal(principalMatch({ Service: ['kms.amazonaws.com'] }, callers.alice), 'none');
  });

  it('takes the partition from the caller', () => {
    const china = { arn: 'arn:aws-cn:iam::111122223333:user/alice', accountId: ACCOUNT };
    assert.equal(principalMatch(aws('arn:aws-cn:iam::111122223333:root'), china), 'account');
    assert.equal(principalMatch(aws(ROOT), china), 'none');
  });
});

describe('statementApplies', () => {
  it('matches principal, action, resource and conditions', () => {
    const s = statement({ principal: aws(ALICE), action: ['kms:Encrypt'], resource: [KEY], conditions: [dept('IT')] });
    assert.equal(statementApplies(s, request({ context: ec('IT') })), true);
    assert.equal(statementApplies(s, request({ context: ec('HR') })), false);
    assert.equal(statementApplies(s, request({ caller: 'session', context: ec('IT') })), false);
    assert.equal(statementApplies(s, request({ action: 'kms:Decrypt', context: ec('IT') })), false);
    assert.equal(statementApplies(s, request({ resource: OTHER_KEY, context: ec('IT') })), false);
  });

  it('resolves an undecidable condition against an Allow and for a Deny', () => {
    const unparsable = [condition('NumericEquals', 'kms:KeyLength', 'ten')];
    const context = { 'kms:KeyLength': '10' };
    assert.equal(statementApplies(statement(allow({ conditions: unparsable })), request({ context })), false);
    assert.equal(statementApplies(statement(deny({ conditions: unparsable })), request({ context })), true);
  });

  it("substitutes variables as the policy's version says", () => {
    const s = statement({ conditions: [condition('StringEquals', 'kms:EncryptionContext:owner', '${aws:username}')] });
    const r = request({ context: owner('alice', { 'aws:username': 'alice' }) });
    assert.equal(statementApplies(s, r), true);
    assert.equal(statementApplies(s, r, '2012-10-17'), true);
    assert.equal(statementApplies(s, r, '2008-10-17'), false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties over generated policies drawn from a small vocabulary, so that statements often apply.
// ---------------------------------------------------------------------------------------------------------------

const principalBlocks = fc.constantFrom<PolicyStatement['principal']>(
  undefined,
  '*',
  aws(ROOT),
  aws(ALICE),
  aws(ROLE),
  aws(ACCOUNT, SESSION),
  aws(MALLORY),
);
const conditionPool = fc.constantFrom(
  dept('IT'),
  condition('StringNotEquals', EC, 'HR'),
  condition('StringLike', EC, ['I*', 'H?']),
  condition('ForAllValues:StringEquals', 'aws:TagKeys', ['a', 'b']),
  condition('ForAnyValue:StringLike', 'aws:TagKeys', 'b*'),
  condition('IpAddress', 'aws:SourceIp', '203.0.113.0/24'),
  condition('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8'),
  condition('NumericLessThan', 'kms:KeyLength', '3000'),
  condition('DateLessThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z'),
  condition('BoolIfExists', 'aws:SecureTransport', 'true'),
  condition('Null', 'kms:EncryptionContext:Project', 'true'),
  condition('NumericEquals', 'kms:KeyLength', 'not a number'),
  condition('StringEquals', 'kms:EncryptionContext:owner', '${aws:username}'),
  condition('Bogus', EC, 'IT'),
);
const statementArbitrary = fc.record({
  effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
  principal: principalBlocks,
  actions: fc.constantFrom(['kms:*'], ['kms:Encrypt'], ['kms:De*'], ['*'], ['s3:*']),
  negateAction: fc.boolean(),
  resources: fc.constantFrom(['*'], [KEY], [OTHER_KEY], [`arn:aws:kms:*:${ACCOUNT}:key/*`], ['arn:aws:kms:*']),
  negateResource: fc.boolean(),
  conditions: fc.array(conditionPool, { maxLength: 3 }),
});
type StatementShape = typeof statementArbitrary extends fc.Arbitrary<infer T> ? T : never;

function fromShape(shape: StatementShape, index: number): PolicyStatement {
  return {
    sid: `S${index}`,
    index,
    effect: shape.effect,
    ...(shape.principal === undefined ? {} : { principal: shape.principal }),
    ...(shape.negateAction ? { notAction: shape.actions } : { action: shape.actions }),
    ...(shape.negateResource ? { notResource: shape.resources } : { resource: shape.resources }),
    conditions: shape.conditions,
  };
}

const policyArbitrary = fc
  .tuple(
    fc.array(statementArbitrary, { maxLength: 5 }),
    fc.constantFrom<PolicyDocument['version']>('2012-10-17', '2008-10-17'),
  )
  .map(([shapes, version]): PolicyDocument => ({ version, statements: shapes.map(fromShape) }));

const requestArbitrary = fc
  .record({
    caller: fc.constantFrom<CallerName>('root', 'alice', 'session', 'mallory'),
    action: fc.constantFrom('kms:Encrypt', 'kms:Decrypt', 'kms:CreateKey'),
    resource: fc.constantFrom(KEY, OTHER_KEY, '*'),
    department: fc.option(fc.constantFrom('IT', 'HR', 'Sales'), { nil: undefined }),
    tagKeys: fc.option(fc.subarray(['a', 'b', 'c']), { nil: undefined }),
    sourceIp: fc.constantFrom('203.0.113.9', '10.1.2.3', '::ffff:10.0.0.1'),
    keyLength: fc.option(fc.constantFrom('2048', '4096', 'abc'), { nil: undefined }),
    username: fc.option(fc.constantFrom('alice', 'bob'), { nil: undefined }),
  })
  .map(({ caller, action, resource, department, tagKeys, sourceIp, keyLength, username }) => {
    const context: Record<string, string | readonly string[]> = { ...ip(sourceIp), 'aws:CurrentTime': NOW };
    if (department !== undefined) context[EC] = department;
    if (tagKeys !== undefined) context['aws:TagKeys'] = tagKeys;
    if (keyLength !== undefined) context['kms:KeyLength'] = keyLength;
    if (username !== undefined) {
      context['aws:username'] = username;
      context['kms:EncryptionContext:owner'] = 'alice';
    }
    return request({ caller, action, resource, context });
  });

function renumbered(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.map((s, index) => ({ ...s, index }));
}

describe('evaluatePolicy: properties', () => {
  it('adding a Deny statement never turns a Deny or NotApplicable into an Allow', () => {
    fc.assert(
      fc.property(policyArbitrary, statementArbitrary, fc.nat(), requestArbitrary, (p, shape, at, r) => {
        const added = { ...fromShape(shape, 0), effect: 'Deny' as const };
        const statements = [...p.statements];
        statements.splice(at % (statements.length + 1), 0, added);
        const before = evaluatePolicy(p, r).outcome;
        const after = evaluatePolicy({ ...p, statements: renumbered(statements) }, r).outcome;
        if (before !== 'Allow') assert.notEqual(after, 'Allow');
        if (statementApplies(added, r, p.version)) assert.equal(after, 'Deny');
      }),
    );
  });

  it('removing an Allow statement never turns a non-Allow into an Allow', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.nat(), requestArbitrary, (p, at, r) => {
        const allows = p.statements.filter((s) => s.effect === 'Allow');
        fc.pre(allows.length > 0);
        const removed = allows[at % allows.length];
        const smaller = { ...p, statements: renumbered(p.statements.filter((s) => s !== removed)) };
        if (evaluatePolicy(p, r).outcome !== 'Allow') assert.notEqual(evaluatePolicy(smaller, r).outcome, 'Allow');
      }),
    );
  });

  it('adding a condition to an Allow never widens it', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.nat(), conditionPool, requestArbitrary, (p, at, extra, r) => {
        const allows = p.statements.filter((s) => s.effect === 'Allow');
        fc.pre(allows.length > 0);
        const target = allows[at % allows.length]!;
        const narrowed = { ...target, conditions: [...target.conditions, extra] };
        if (statementApplies(narrowed, r, p.version)) assert.ok(statementApplies(target, r, p.version));
        const narrowedPolicy = { ...p, statements: p.statements.map((s) => (s === target ? narrowed : s)) };
        if (evaluatePolicy(narrowedPolicy, r).outcome === 'Allow') assert.equal(evaluatePolicy(p, r).outcome, 'Allow');
      }),
    );
  });

  it('any applicable Deny statement decides', () => {
    fc.assert(
      fc.property(policyArbitrary, requestArbitrary, (p, r) => {
        const firstDeny = p.statements.find((s) => s.effect === 'Deny' && statementApplies(s, r, p.version));
        const result = evaluatePolicy(p, r);
        if (firstDeny) assert.equal(result.decidingStatement, firstDeny);
        else assert.notEqual(result.outcome, 'Deny');
      }),
    );
  });
});
