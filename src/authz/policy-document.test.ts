import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KmsError } from '../errors/catalogue.js';
import type { PolicyDocument } from './policy.js';
import { MAX_KEY_POLICY_CHARS, type PolicyKind, parsePolicy } from './policy-document.js';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

/** AWS's default key policy, as CreateKey writes it when the caller gives none. */
const defaultKeyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Id: 'key-default-1',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: ROOT },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

/** A valid one-statement key policy with some statement elements replaced; `undefined` removes one. */
function keyPolicy(statement: Record<string, unknown> = {}, document: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*', ...statement }],
    ...document,
  });
}

/** A valid one-statement identity policy with some statement elements replaced. */
function identityPolicy(statement: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*', ...statement },
  });
}

function onlyStatement(document: PolicyDocument) {
  assert.equal(document.statements.length, 1);
  return document.statements[0]!;
}

function isMalformed(error: unknown): error is KmsError {
  return error instanceof KmsError && error.type === 'MalformedPolicyDocumentException';
}

/** Asserts that parsing fails with MalformedPolicyDocumentException and that the message mentions each text. */
function assertMalformed(text: string, kind: PolicyKind, ...mentions: string[]): void {
  assert.throws(
    () => parsePolicy(text, kind),
    (error: unknown) => {
      assert.ok(isMalformed(error), `expected MalformedPolicyDocumentException, got ${String(error)}`);
      for (const mention of mentions) {
        assert.ok(
          error.message.includes(mention),
          `message ${JSON.stringify(error.message)} should mention ${mention}`,
        );
      }
      return true;
    },
  );
}

describe('parsePolicy: the model it produces', () => {
  it("parses AWS's default key policy to the expected model", () => {
    const expected: PolicyDocument = {
      version: '2012-10-17',
      id: 'key-default-1',
      statements: [
        {
          sid: 'Enable IAM User Permissions',
          index: 0,
          effect: 'Allow',
          principal: { AWS: [ROOT] },
          action: ['kms:*'],
          resource: ['*'],
          conditions: [],
        },
      ],
    };
    assert.deepEqual(parsePolicy(defaultKeyPolicy, 'resource'), expected);
  });

  it('turns single values into lists and keeps lists as written, in order', () => {
    const statement = onlyStatement(
      parsePolicy(
        keyPolicy({
          Principal: { AWS: [ROOT, 'arn:aws:iam::444455556666:role/Admin'], Service: 'logs.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:Encrypt'],
          Resource: 'arn:aws:kms:us-east-1:111122223333:key/*',
          Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': ['s3.amazonaws.com'] } },
        }),
        'resource',
      ),
    );
    assert.deepEqual(statement.principal, {
      AWS: [ROOT, 'arn:aws:iam::444455556666:role/Admin'],
      Service: ['logs.amazonaws.com'],
    });
    assert.deepEqual(statement.action, ['kms:Decrypt', 'kms:Encrypt']);
    assert.deepEqual(statement.resource, ['arn:aws:kms:us-east-1:111122223333:key/*']);
    assert.deepEqual(statement.conditions, [
      { operator: 'StringEquals', key: 'kms:CallerAccount', values: [ACCOUNT] },
      { operator: 'StringEquals', key: 'kms:ViaService', values: ['s3.amazonaws.com'] },
    ]);
  });

  it('accepts a single Statement object as a list of one, with index 0', () => {
    const text = JSON.stringify({ Statement: { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' } });
    const statement = onlyStatement(parsePolicy(text, 'resource'));
    assert.equal(statement.index, 0);
    assert.equal(statement.effect, 'Deny');
    assert.equal(statement.principal, '*');
  });

  it('gives each statement its position as index and its Sid, or undefined without one', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        { Sid: 'Second', Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' },
      ],
    });
    const [first, second] = parsePolicy(text, 'resource').statements;
    assert.equal(first?.index, 0);
    assert.equal(first?.sid, undefined);
    assert.equal(second?.index, 1);
    assert.equal(second?.sid, 'Second');
  });

  it('normalises an account-id principal to the account root ARN, as AWS stores it', () => {
    const statement = onlyStatement(parsePolicy(keyPolicy({ Principal: { AWS: ['444455556666', ROOT] } }), 'resource'));
    assert.deepEqual(statement.principal, { AWS: ['arn:aws:iam::444455556666:root', ROOT] });
  });

  it('accepts every AWS principal form: *, root, users and roles with paths, assumed-role sessions', () => {
    const principals = [
      '*',
      ROOT,
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::111122223333:user/division/team/alice',
      'arn:aws:iam::111122223333:role/KeyAdmin',
      'arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
      'arn:aws:sts::111122223333:assumed-role/KeyAdmin/alice@example.com',
    ];
    const statement = onlyStatement(parsePolicy(keyPolicy({ Principal: { AWS: principals } }), 'resource'));
    assert.deepEqual(statement.principal, { AWS: principals });
  });

  it('keeps NotPrincipal, NotAction and NotResource apart from their positive twins', () => {
    const text = keyPolicy({
      Principal: undefined,
      NotPrincipal: { AWS: ROOT },
      Action: undefined,
      NotAction: 'kms:Decrypt',
      Resource: undefined,
      NotResource: 'arn:aws:kms:*:*:alias/*',
    });
    const statement = onlyStatement(parsePolicy(text, 'resource'));
    assert.deepEqual(statement.notPrincipal, { AWS: [ROOT] });
    assert.deepEqual(statement.notAction, ['kms:Decrypt']);
    assert.deepEqual(statement.notResource, ['arn:aws:kms:*:*:alias/*']);
    for (const positive of ['principal', 'action', 'resource'] as const) assert.equal(positive in statement, false);
  });

  it('treats an absent Version as 2008-10-17 and keeps policy variables as literal text', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, literal on purpose
    const withVariable = 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*';
    const text = JSON.stringify({
      Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: withVariable },
    });
    const document = parsePolicy(text, 'resource');
    assert.equal(document.version, '2008-10-17');
    assert.deepEqual(onlyStatement(document).resource, [withVariable]);
    assert.equal(parsePolicy(keyPolicy({}, { Version: '2008-10-17' }), 'resource').version, '2008-10-17');
  });

  it('converts condition numbers and booleans to strings, numbers as written', () => {
    const text = keyPolicy({
      Condition: { NumericLessThan: { 'kms:RotationPeriodInDays': [5, 1.5e2] }, Bool: { 'aws:SecureTransport': true } },
    });
    assert.deepEqual(onlyStatement(parsePolicy(text, 'resource')).conditions, [
      { operator: 'NumericLessThan', key: 'kms:RotationPeriodInDays', values: ['5', '150'] },
      { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] },
    ]);
    const written = keyPolicy().replace('"Resource":"*"', '"Resource":"*","Condition":{"NumericEquals":{"n":1.50}}');
    assert.deepEqual(onlyStatement(parsePolicy(written, 'resource')).conditions[0]?.values, ['1.50']);
  });

  it('accepts every condition operator, with IfExists and with either set operator', () => {
    const bases = [
      ...['Equals', 'NotEquals', 'EqualsIgnoreCase', 'NotEqualsIgnoreCase', 'Like', 'NotLike'].map((s) => `String${s}`),
      ...['Equals', 'NotEquals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'].flatMap((s) => [
        `Numeric${s}`,
        `Date${s}`,
      ]),
      ...['Equals', 'NotEquals', 'Like', 'NotLike'].map((s) => `Arn${s}`),
      'Bool',
      'BinaryEquals',
      'IpAddress',
      'NotIpAddress',
    ];
    const operators = [...bases, ...bases.map((base) => `${base}IfExists`), 'Null'].flatMap((operator) => [
      operator,
      `ForAnyValue:${operator}`,
      `ForAllValues:${operator}`,
    ]);
    const validValue = (operator: string) =>
      /Numeric/.test(operator)
        ? '5'
        : /Date/.test(operator)
          ? '2026-11-28T00:00:00Z'
          : /IpAddress/.test(operator)
            ? '10.0.0.0/8'
            : /Bool|Null/.test(operator)
              ? 'true'
              : /Binary/.test(operator)
                ? 'eA=='
                : 'x';
    for (const operator of operators) {
      const value = validValue(operator);
      const conditions = onlyStatement(
        parsePolicy(keyPolicy({ Condition: { [operator]: { 'aws:TagKeys': value } } }), 'resource'),
      ).conditions;
      assert.deepEqual(conditions, [{ operator, key: 'aws:TagKeys', values: [value] }], operator);
    }
  });

  it('refuses condition values the operator could never compare, unless they hold a policy variable', () => {
    const invalid: Array<[string, string]> = [
      ['NumericLessThan', 'ten'],
      ['DateGreaterThan', 'yesterday'],
      ['IpAddress', '10.0.0.0/33'],
      ['NotIpAddressIfExists', 'localhost'],
      ['Bool', 'yes'],
      ['Null', 'maybe'],
      ['BinaryEquals', 'not base64!'],
    ];
    for (const [operator, value] of invalid) {
      assertMalformed(keyPolicy({ Condition: { [operator]: { 'aws:SourceIp': value } } }), 'resource', value);
    }
    const withVariable = keyPolicy({ Condition: { NumericLessThan: { 'aws:EpochTime': '${aws:EpochTime}' } } });
    assert.equal(onlyStatement(parsePolicy(withVariable, 'resource')).conditions.length, 1);
  });

  it('allows set operators with multi-valued keys and plain operators with single-valued keys', () => {
    const condition = {
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Project'], 'aws:TagKeys': 'Owner' },
      'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Decrypt', 'kms:ResourceAliases': 'alias/finance' },
      StringEquals: { 'kms:EncryptionContext:Department': 'IT', 'aws:RequestTag/Owner': 'alice' },
    };
    assert.equal(onlyStatement(parsePolicy(keyPolicy({ Condition: condition }), 'resource')).conditions.length, 6);
  });

  it('parses identity policies, which name no principal', () => {
    const statement = onlyStatement(parsePolicy(identityPolicy(), 'identity'));
    assert.equal(statement.principal, undefined);
    assert.equal(statement.notPrincipal, undefined);
    assert.deepEqual(statement.action, ['kms:*']);
  });

  it('accepts a service prefix in either case (IAM reads it case-insensitively)', () => {
    assert.deepEqual(onlyStatement(parsePolicy(keyPolicy({ Action: 'KMS:Encrypt' }), 'resource')).action, [
      'KMS:Encrypt',
    ]);
  });
});

describe('parsePolicy: JSON', () => {
  it('rejects text that is not JSON', () => {
    const notJson = [
      '',
      ' ',
      '{',
      '{"Version":}',
      '{"a":1,}',
      "{'Version':'2012-10-17'}",
      '{"a":NaN}',
      '{} //',
      '{"a":"\t"}',
      '{"a":"\u001f"}',
      '\u000b{}',
      '\ufeff{}',
      '{}\u00a0',
      '{"a":"\\x"}',
      '{"a":01}',
      '{"a":tru}',
      '{}{}',
    ];
    for (const text of notJson) assertMalformed(text, 'resource', 'not valid JSON');
  });

  it('rejects a duplicate key at the top level', () => {
    assertMalformed(
      '{"Version":"2012-10-17","Statement":[],"Version":"2008-10-17"}',
      'resource',
      'duplicate key',
      '"Version"',
    );
  });

  it('rejects a duplicate key inside a statement, and says where', () => {
    const text = keyPolicy().replace('"Effect":"Allow"', '"Effect":"Deny","Effect":"Allow"');
    assertMalformed(text, 'resource', 'duplicate key', '"Effect"', 'Statement[0]');
  });

  it('rejects a duplicate key inside a condition block', () => {
    const text = keyPolicy().replace(
      '"Resource":"*"',
      '"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"1","kms:CallerAccount":"2"}}',
    );
    assertMalformed(text, 'resource', 'duplicate key', 'kms:CallerAccount', 'Statement[0].Condition.StringEquals');
  });

  it('rejects a duplicate key spelled with an escape sequence', () => {
    const text = keyPolicy().replace('"Effect":"Allow"', '"Effect":"Allow","\\u0045ffect":"Deny"');
    assertMalformed(text, 'resource', 'duplicate key', '"Effect"');
  });

  it('rejects a document that is not an object', () => {
    for (const text of ['[]', '"policy"', '42', 'null', 'true', `[${defaultKeyPolicy}]`]) {
      assertMalformed(text, 'resource', 'must be a JSON object');
    }
  });

  it(`accepts ${MAX_KEY_POLICY_CHARS} characters and rejects one more`, () => {
    const padded = (length: number) =>
      defaultKeyPolicy.replace(/}$/, `${' '.repeat(length - defaultKeyPolicy.length)}}`);
    assert.equal(padded(MAX_KEY_POLICY_CHARS).length, MAX_KEY_POLICY_CHARS);
    parsePolicy(padded(MAX_KEY_POLICY_CHARS), 'resource');
    assertMalformed(padded(MAX_KEY_POLICY_CHARS + 1), 'resource', 'longer than 32768 characters');
  });

  it('counts characters as code points, not UTF-16 units', () => {
    const base = keyPolicy({ Sid: '' });
    const emoji = '\u{1F511}';
    const sid = emoji.repeat(MAX_KEY_POLICY_CHARS - base.length);
    const text = keyPolicy({ Sid: sid });
    assert.ok(text.length > MAX_KEY_POLICY_CHARS);
    assert.equal(onlyStatement(parsePolicy(text, 'resource')).sid, sid);
    assertMalformed(keyPolicy({ Sid: sid + emoji }), 'resource', 'longer than');
  });

  it('rejects nesting deeper than any policy needs', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    assertMalformed(`{"Statement":${deep}}`, 'resource', 'nests deeper');
  });

  it('keeps __proto__ and other prototype names as plain data', () => {
    assertMalformed('{"__proto__":{"Statement":[]}}', 'resource', 'unknown element "__proto__"');
    assertMalformed('{"constructor":1}', 'resource', 'unknown element "constructor"');
    assertMalformed('{"Version":"2012-10-17"}', 'resource', 'no Statement');
  });
});

describe('parsePolicy: document elements', () => {
  it('rejects an invalid Version', () => {
    assertMalformed(keyPolicy({}, { Version: '2019-10-19' }), 'resource', 'invalid Version', '"2019-10-19"');
    assertMalformed(keyPolicy({}, { Version: 2012 }), 'resource', 'invalid Version', '2012');
  });

  it('rejects an unknown top-level element and names it', () => {
    assertMalformed(keyPolicy({}, { Statements: [] }), 'resource', 'unknown element "Statements"');
    assertMalformed(keyPolicy({}, { version: '2012-10-17' }), 'resource', 'unknown element "version"');
  });

  it('rejects an Id that is not a string', () => {
    assertMalformed(keyPolicy({}, { Id: 1 }), 'resource', 'Id must be a string');
  });

  it('rejects a missing Statement, an empty list, and anything but objects', () => {
    assertMalformed('{"Version":"2012-10-17"}', 'resource', 'no Statement');
    for (const statement of [[], 'Allow', [{ Effect: 'Allow' }, 'x'], null]) {
      assertMalformed(
        keyPolicy({}, { Statement: statement }),
        'resource',
        'Statement must be an object or a non-empty list',
      );
    }
  });
});

describe('parsePolicy: statement elements', () => {
  it('rejects an unknown statement element and names it', () => {
    assertMalformed(keyPolicy({ Actions: 'kms:*' }), 'resource', 'Statement[0]', 'unknown element "Actions"');
  });

  it('requires Effect, spelled exactly Allow or Deny', () => {
    assertMalformed(
      keyPolicy({ Effect: undefined }),
      'resource',
      'Statement[0]',
      'missing the required element Effect',
    );
    for (const effect of ['allow', 'DENY', '', true]) {
      assertMalformed(keyPolicy({ Effect: effect }), 'resource', 'Statement[0].Effect must be "Allow" or "Deny"');
    }
  });

  it('requires exactly one of Action and NotAction', () => {
    assertMalformed(keyPolicy({ Action: undefined }), 'resource', 'exactly one of Action and NotAction');
    assertMalformed(keyPolicy({ NotAction: 'kms:Decrypt' }), 'resource', 'exactly one of Action and NotAction');
  });

  it('requires exactly one of Resource and NotResource', () => {
    assertMalformed(keyPolicy({ Resource: undefined }), 'resource', 'exactly one of Resource and NotResource');
    assertMalformed(keyPolicy({ NotResource: '*' }), 'resource', 'exactly one of Resource and NotResource');
  });

  it('requires exactly one of Principal and NotPrincipal in a key policy', () => {
    assertMalformed(
      keyPolicy({ Principal: undefined }),
      'resource',
      'Statement[0]',
      'exactly one of Principal and NotPrincipal',
    );
    assertMalformed(keyPolicy({ NotPrincipal: '*' }), 'resource', 'exactly one of Principal and NotPrincipal');
  });

  it('refuses Principal and NotPrincipal in an identity policy', () => {
    assertMalformed(identityPolicy({ Principal: '*' }), 'identity', 'should not specify a principal', 'Principal');
    assertMalformed(
      identityPolicy({ NotPrincipal: { AWS: ROOT } }),
      'identity',
      'should not specify a principal',
      'NotPrincipal',
    );
  });

  it('requires a Sid to be a string', () => {
    assertMalformed(keyPolicy({ Sid: 7 }), 'resource', 'Statement[0].Sid must be a string');
  });

  it('requires Sids to be unique within the policy', () => {
    const statement = { Sid: 'Same', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [statement, { ...statement, Sid: 'Other' }, statement],
    });
    assertMalformed(text, 'resource', 'Statement[2].Sid "Same"', 'Statement[0]', 'unique');
  });
});

describe('parsePolicy: principals', () => {
  const invalid = 'Policy contains a statement with one or more invalid principals.';

  it('rejects AWS principals that are not *, an account id, or a root, user, role or session ARN', () => {
    const badPrincipals = [
      'bob',
      '',
      '11112222333',
      '1111222233334',
      'AIDACKCEVSQ6C2EXAMPLE',
      'arn:aws:iam::111122223333:user/*',
      'arn:aws:iam::111122223333:role/Admin*',
      'arn:aws:iam::111122223333:role/team*/Admin',
      'arn:aws:iam::111122223333:group/Admins',
      'arn:aws:iam::1111:root',
      'arn:aws:iam::*:root',
      'arn:aws:kms:us-east-1:111122223333:key/1234',
      'arn:aws:sts::111122223333:assumed-role/KeyAdmin',
      'arn:aws-cn:iam::111122223333:root',
    ];
    for (const principal of badPrincipals) {
      assertMalformed(
        keyPolicy({ Principal: { AWS: principal } }),
        'resource',
        invalid,
        'Statement[0].Principal.AWS',
        JSON.stringify(principal),
      );
      assertMalformed(
        keyPolicy({ Principal: { AWS: [ROOT, principal] } }),
        'resource',
        invalid,
        JSON.stringify(principal),
      );
    }
  });

  it('rejects principal blocks that are neither * nor an object of known principal types', () => {
    for (const principal of ['arn:aws:iam::111122223333:root', 'AWS', {}, [], 5, null]) {
      assertMalformed(keyPolicy({ Principal: principal }), 'resource', invalid, 'Statement[0].Principal');
    }
    assertMalformed(keyPolicy({ Principal: { User: ROOT } }), 'resource', invalid, 'unknown principal type "User"');
    assertMalformed(keyPolicy({ Principal: { aws: ROOT } }), 'resource', invalid, 'unknown principal type "aws"');
  });

  it('rejects empty lists and non-strings as principal values', () => {
    for (const values of [[], [5], [null], { AWS: ROOT }]) {
      assertMalformed(keyPolicy({ Principal: { AWS: values } }), 'resource', invalid, 'Statement[0].Principal.AWS');
      assertMalformed(
        keyPolicy({ Principal: { Service: values } }),
        'resource',
        invalid,
        'Statement[0].Principal.Service',
      );
    }
    assertMalformed(keyPolicy({ Principal: { Service: '' } }), 'resource', invalid, 'Service');
  });

  it('validates NotPrincipal the same way and names it', () => {
    assertMalformed(
      keyPolicy({ Principal: undefined, NotPrincipal: { AWS: 'bob' } }),
      'resource',
      invalid,
      'Statement[0].NotPrincipal.AWS',
    );
  });
});

describe('parsePolicy: actions and resources', () => {
  it('rejects actions that are not * or <service>:<pattern>', () => {
    for (const action of [
      'kms',
      'kms:',
      ':Encrypt',
      'kms:Encrypt!',
      'kms:Enc rypt',
      '*:*',
      'kms:*:*',
      '',
      5,
      [],
      ['kms:Encrypt', 7],
    ]) {
      assertMalformed(keyPolicy({ Action: action }), 'resource', 'Statement[0].Action', 'invalid action');
      assertMalformed(
        keyPolicy({ Action: undefined, NotAction: action }),
        'resource',
        'Statement[0].NotAction',
        'invalid action',
      );
    }
  });

  it('names the offending action in a list', () => {
    assertMalformed(keyPolicy({ Action: ['kms:Encrypt', 'kms:Bad-Name'] }), 'resource', '"kms:Bad-Name"');
  });

  it('rejects resources that are neither * nor in ARN format', () => {
    for (const resource of ['', 'key/1234', 'arn:aws:kms', 'arn:aws:kms:us-east-1:111122223333', 5, [], [null]]) {
      assertMalformed(keyPolicy({ Resource: resource }), 'resource', 'Statement[0].Resource', 'ARN format or "*"');
      assertMalformed(
        keyPolicy({ Resource: undefined, NotResource: resource }),
        'resource',
        'Statement[0].NotResource',
      );
    }
  });
});

describe('parsePolicy: conditions', () => {
  it('requires Condition to be an object of operators', () => {
    for (const condition of ['StringEquals', [], 1, null]) {
      assertMalformed(keyPolicy({ Condition: condition }), 'resource', 'Statement[0].Condition must be an object');
    }
  });

  it('rejects an unknown condition operator and names it', () => {
    const unknown = [
      'StringEqual',
      'stringEquals',
      'NullIfExists',
      'ForSomeValues:StringEquals',
      'ForAnyValue:',
      'ForAnyValue:ForAllValues:StringEquals',
      'StringEqualsIfExistsIfExists',
      'IfExists',
      'NumericLike',
    ];
    for (const operator of unknown) {
      assertMalformed(
        keyPolicy({ Condition: { [operator]: { 'aws:TagKeys': 'x' } } }),
        'resource',
        'unknown condition operator',
        JSON.stringify(operator),
      );
    }
  });

  it('requires each operator to hold a non-empty object of condition keys', () => {
    for (const block of [{}, 'x', ['kms:CallerAccount'], null]) {
      assertMalformed(
        keyPolicy({ Condition: { StringEquals: block } }),
        'resource',
        'Statement[0].Condition.StringEquals',
        'non-empty object',
      );
    }
  });

  it('requires condition values to be strings, numbers or booleans, or a non-empty list of them', () => {
    for (const value of [null, {}, [], [['x']], ['x', null]]) {
      assertMalformed(
        keyPolicy({ Condition: { StringEquals: { 'kms:CallerAccount': value } } }),
        'resource',
        'Statement[0].Condition.StringEquals',
        '"kms:CallerAccount"',
      );
    }
  });

  it('rejects an empty condition key', () => {
    assertMalformed(keyPolicy({ Condition: { StringEquals: { '': 'x' } } }), 'resource', 'empty condition key');
  });

  describe('OverlyPermissiveCondition: a set operator with a single-valued key', () => {
    const singleValued = [
      'kms:EncryptionContext:Department',
      'kms:CallerAccount',
      'kms:KeySpec',
      'kms:KeyUsage',
      'kms:KeyOrigin',
      'kms:EncryptionAlgorithm',
      'kms:ViaService',
      'kms:GrantIsForAWSResource',
      'kms:RetiringPrincipal',
      'kms:GranteePrincipal',
      'kms:BypassPolicyLockoutSafetyCheck',
      'kms:ReEncryptOnSameKey',
      'kms:DataKeyPairSpec',
      'kms:MacAlgorithm',
      'kms:SigningAlgorithm',
      'kms:MessageType',
      'kms:ScheduleKeyDeletionPendingWindowInDays',
      'kms:RotationPeriodInDays',
      'kms:RequestAlias',
      'aws:PrincipalArn',
      'aws:PrincipalAccount',
      'aws:username',
      'aws:userid',
      'aws:SourceIp',
      'aws:CurrentTime',
      'aws:EpochTime',
      'aws:SecureTransport',
      'aws:PrincipalType',
      'aws:PrincipalTag/Team',
      'aws:RequestTag/Owner',
      'aws:ResourceTag/Project',
    ];

    for (const setOperator of ['ForAnyValue', 'ForAllValues']) {
      it(`rejects ${setOperator} with each single-valued key and names the key`, () => {
        for (const key of singleValued) {
          for (const operator of [`${setOperator}:StringEquals`, `${setOperator}:StringLikeIfExists`]) {
            assertMalformed(
              keyPolicy({ Condition: { [operator]: { [key]: 'x' } } }),
              'resource',
              'OverlyPermissiveCondition',
              `${setOperator} set operator`,
              `single-valued condition key ${key}`,
              'not allowed',
              `Statement[0].Condition.${operator}`,
            );
          }
        }
      });
    }

    it("uses AWS's wording for ForAllValues with an encryption context key", () => {
      assertMalformed(
        keyPolicy({ Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:Department': 'IT' } } }),
        'resource',
        'matches requests without the specified encryption context or with an unspecified encryption context. To fix, remove ForAllValues.',
      );
    });

    it('matches single-valued key names case-insensitively', () => {
      for (const key of ['KMS:encryptioncontext:Department', 'Kms:CallerAccount', 'AWS:requesttag/Owner']) {
        assertMalformed(
          keyPolicy({ Condition: { 'ForAnyValue:StringEquals': { [key]: 'x' } } }),
          'resource',
          'OverlyPermissiveCondition',
          key,
        );
      }
    });

    it('checks identity policies too', () => {
      assertMalformed(
        identityPolicy({ Condition: { 'ForAllValues:StringEquals': { 'aws:SourceIp': '10.0.0.1' } } }),
        'identity',
        'OverlyPermissiveCondition',
      );
    });
  });
});

describe('parsePolicy: properties', () => {
  /** The parser's contract: a PolicyDocument, or a MalformedPolicyDocumentException, never anything else. */
  function parsesOrIsMalformed(text: string, kind: PolicyKind): 'parsed' | 'malformed' {
    try {
      assert.ok(parsePolicy(text, kind).statements.length > 0);
      return 'parsed';
    } catch (error) {
      assert.ok(isMalformed(error), `unexpected ${String(error)}`);
      return 'malformed';
    }
  }

  const kinds = fc.constantFrom<PolicyKind>('resource', 'identity');
  /**
   * Policy-shaped documents of a kind: mostly valid, so that runs reach every check, with now and then an
   * element replaced by arbitrary JSON or a bad value, a pair doubled or missing, or an unknown element.
   */
  const junk: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });
  const mostly = (valid: fc.Arbitrary<unknown>, invalid = junk) =>
    fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: invalid, weight: 1 });
  const oneOrMore = (item: fc.Arbitrary<unknown>) => fc.oneof(item, fc.array(item, { minLength: 1, maxLength: 3 }));
  const principal = fc.oneof(
    fc.constant('*'),
    fc.record({
      AWS: oneOrMore(
        mostly(fc.constantFrom('*', ACCOUNT, ROOT, 'arn:aws:sts::111122223333:assumed-role/R/s'), fc.constant('bob')),
      ),
    }),
    fc.record({ Service: oneOrMore(fc.constantFrom('logs.amazonaws.com', 'kms.amazonaws.com')) }),
  );
  const condition = fc.dictionary(
    mostly(
      fc.constantFrom(
        'StringEquals',
        'ForAnyValue:StringLike',
        'ForAllValues:StringEquals',
        'NumericLessThanIfExists',
        'Null',
      ),
      fc.constant('Bogus'),
    ) as fc.Arbitrary<string>,
    fc.dictionary(
      fc.constantFrom('kms:CallerAccount', 'aws:TagKeys', 'kms:EncryptionContext:a', 'kms:EncryptionContextKeys'),
      oneOrMore(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean())),
      { minKeys: 1, maxKeys: 2 },
    ),
    { maxKeys: 2 },
  );
  const statementOf = (kind: PolicyKind) =>
    fc
      .record({
        principalName: mostly(
          kind === 'resource' ? fc.constantFrom('Principal', 'NotPrincipal') : fc.constant(undefined),
          fc.constantFrom('Principal', 'NotPrincipal', undefined),
        ),
        principal: mostly(principal),
        actionName: fc.constantFrom('Action', 'NotAction'),
        action: mostly(
          oneOrMore(mostly(fc.constantFrom('*', 'kms:*', 'kms:Encrypt', 'KMS:Decrypt'), fc.constant('kms'))),
        ),
        resourceName: fc.constantFrom('Resource', 'NotResource'),
        resource: mostly(
          oneOrMore(mostly(fc.constantFrom('*', 'arn:aws:kms:*:111122223333:key/*'), fc.constant('key'))),
        ),
        Sid: fc.option(mostly(fc.constantFrom('A', 'B', 'C', 'D', 'E')), { freq: 2, nil: undefined }),
        Effect: mostly(fc.constantFrom('Allow', 'Deny')),
        Condition: fc.option(mostly(condition), { freq: 2, nil: undefined }),
        broken: fc.option(
          fc.dictionary(fc.constantFrom('Action', 'NotResource', 'Principal', 'Other'), junk, { maxKeys: 1 }),
          {
            freq: 10,
            nil: undefined,
          },
        ),
      })
      .map(({ principalName, principal, actionName, action, resourceName, resource, broken, ...rest }) => ({
        ...rest,
        ...(typeof principalName === 'string' ? { [principalName]: principal } : {}),
        [actionName]: action,
        [resourceName]: resource,
        ...broken,
      }));
  const policyOf = (kind: PolicyKind) =>
    fc
      .record(
        {
          Version: mostly(fc.constantFrom('2012-10-17', '2008-10-17')),
          Id: mostly(fc.string({ maxLength: 8 })),
          Statement: mostly(
            fc.oneof(statementOf(kind), fc.array(statementOf(kind), { minLength: 1, maxLength: 3 })),
            fc.constant([]),
          ),
        },
        { requiredKeys: ['Statement'] },
      )
      .map((document) => JSON.stringify(document));

  it('for arbitrary JSON, returns a PolicyDocument or throws MalformedPolicyDocumentException', () => {
    fc.assert(
      fc.property(fc.json(), kinds, (text, kind) => {
        parsesOrIsMalformed(text, kind);
      }),
      { numRuns: 500 },
    );
  });

  it('for arbitrary policy-shaped JSON, returns a PolicyDocument or throws MalformedPolicyDocumentException', () => {
    let parsed = 0;
    const runs = 1000;
    const policies = kinds.chain((kind) => fc.tuple(policyOf(kind), fc.constant(kind)));
    fc.assert(
      fc.property(policies, ([text, kind]) => {
        if (parsesOrIsMalformed(text, kind) === 'parsed') parsed += 1;
      }),
      { numRuns: runs },
    );
    // Guards the generator: documents that all fail at the first check would test nothing deeper.
    assert.ok(parsed > runs / 10, `only ${parsed} of ${runs} generated policies were valid`);
  });

  it('for arbitrary text, returns a PolicyDocument or throws MalformedPolicyDocumentException', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), kinds, (text, kind) => {
        parsesOrIsMalformed(text, kind);
      }),
      { numRuns: 500 },
    );
  });

  /** JSON text, sometimes with one character dropped or inserted, to reach the reader's error paths. */
  const nearlyJson = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc
      .tuple(
        fc.json({ maxDepth: 3 }),
        fc.nat(),
        fc.constantFrom('', '"', '\\', ',', ':', '{', '}', '[', ']', '-', '0', 'e', ' ', '\u001f', '\u000b', 'u'),
      )
      .map(([text, at, insert]) => {
        const cut = at % (text.length + 1);
        return insert === '' ? text.slice(0, cut) + text.slice(cut + 1) : text.slice(0, cut) + insert + text.slice(cut);
      }),
  );

  it('the strict reader accepts exactly the syntax JSON.parse accepts (documents without repeated keys)', () => {
    fc.assert(
      fc.property(nearlyJson, (text) => {
        let jsonParseAccepts = true;
        try {
          JSON.parse(text);
        } catch {
          jsonParseAccepts = false;
        }
        let readerAccepts = true;
        try {
          parsePolicy(text, 'resource');
        } catch (error) {
          assert.ok(isMalformed(error), `unexpected ${String(error)}`);
          if (error.message.startsWith('The policy document is not valid JSON')) readerAccepts = false;
          if (error.message.includes('duplicate key')) return;
        }
        assert.equal(readerAccepts, jsonParseAccepts, text);
      }),
      { numRuns: 2000 },
    );
  });
});
