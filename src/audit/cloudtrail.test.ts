import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { operationInputShape, type Shape, type ShapeName, shapes } from '../operations/generated/kms-shapes.js';
import { queryOperations } from '../operations/query/registry.js';
import { operations } from '../operations/registry.js';
import { apiCallRecord, EVENT_VERSION, serviceEventRecord } from './cloudtrail.js';
import type { ApiCallFacts, AuditIdentity, EventSource } from './record.js';
import { recordingRule } from './recording-rules.js';
import { isSecretMemberName } from './secrets.js';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/${KEY_ID}`;

const root: AuditIdentity = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAROOTEXAMPLE',
};
const alice: AuditIdentity = {
  type: 'IAMUser',
  principalId: 'AIDAJ45Q7YFFAREXAMPLE',
  arn: `arn:aws:iam::${ACCOUNT}:user/Alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAALICEEXAMPLE',
  userName: 'Alice',
};
const roleSession: AuditIdentity = {
  type: 'AssumedRole',
  principalId: 'AROAIDPPEZS35WEXAMPLE:MySessionName',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/RoleToBeAssumed/MySessionName`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIASESSIONEXAMPLE',
  sessionIssuer: {
    roleId: 'AROAIDPPEZS35WEXAMPLE',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/RoleToBeAssumed`,
    roleName: 'RoleToBeAssumed',
  },
  sessionExpiresAt: Date.UTC(2025, 4, 20, 21, 0, 0),
};

function callFacts(overrides: Partial<ApiCallFacts> & Pick<ApiCallFacts, 'eventName'>): ApiCallFacts {
  return {
    eventTime: Date.UTC(2025, 4, 20, 20, 46, 16, 123),
    eventSource: 'kms.amazonaws.com',
    awsRegion: 'us-west-2',
    sourceIPAddress: '192.0.2.0',
    userAgent: 'aws-cli/2.15.30',
    identity: alice,
    requestParameters: undefined,
    responseElements: undefined,
    requestId: 'f3423043-63bc-11e4-bc2b-4198b6150d5c',
    eventId: '91235988-eb87-476a-ac2c-0cdc244e6dca',
    readOnly: false,
    resourceArns: [],
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

/** Every member path of a JSON value (`tags[].key`), sorted: what a record and AWS's example are compared by. */
function memberPaths(value: unknown): string[] {
  const paths = new Set<string>();
  const walk = (node: unknown, prefix: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, `${prefix}[]`);
    } else if (typeof node === 'object' && node !== null) {
      for (const [name, member] of Object.entries(node)) {
        const path = prefix === '' ? name : `${prefix}.${name}`;
        paths.add(path);
        walk(member, path);
      }
    }
  };
  walk(value, '');
  return [...paths].sort();
}

/** An AwsApiCall's members in the order CloudTrail writes them ("CloudTrail record contents", AWS's examples). */
const API_CALL_MEMBERS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'requestParameters',
  'responseElements',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];

/** The KMS cryptographic operations, whose records carry no secret request member and no response. */
const CRYPTOGRAPHIC_OPERATIONS = [
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateRandom',
  'Sign',
  'Verify',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

interface DocumentedExample {
  readonly name: string;
  readonly facts: ApiCallFacts;
  /** The member paths of requestParameters and responseElements in AWS's example record (null: null). */
  readonly request: readonly string[] | null;
  readonly response: readonly string[] | null;
}

const documentedExamples: readonly DocumentedExample[] = [
  {
    name: 'KMS Encrypt',
    facts: callFacts({
      eventName: 'Encrypt',
      readOnly: true,
      resourceArns: [KEY_ARN],
      requestParameters: {
        KeyId: KEY_ARN,
        Plaintext: Buffer.from('attack at dawn'),
        EncryptionContext: { Department: 'Engineering' },
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        GrantTokens: ['a-grant-token'],
      },
      responseElements: {
        CiphertextBlob: Buffer.alloc(64, 7),
        KeyId: KEY_ARN,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
    }),
    request: ['encryptionAlgorithm', 'encryptionContext', 'encryptionContext.Department', 'keyId'],
    response: null,
  },
  {
    // "The CloudTrail log entry for a Decrypt operation always includes the encryptionAlgorithm."
    name: 'KMS Decrypt',
    facts: callFacts({
      eventName: 'Decrypt',
      readOnly: true,
      resourceArns: [KEY_ARN],
      requestParameters: {
        CiphertextBlob: Buffer.alloc(64, 7),
        KeyId: KEY_ARN,
        EncryptionContext: { Department: 'Engineering', Project: 'Alpha' },
      },
      responseElements: { KeyId: KEY_ARN, Plaintext: Buffer.from('attack at dawn') },
    }),
    request: [
      'encryptionAlgorithm',
      'encryptionContext',
      'encryptionContext.Department',
      'encryptionContext.Project',
      'keyId',
    ],
    response: null,
  },
  {
    name: 'KMS GenerateDataKey',
    facts: callFacts({
      eventName: 'GenerateDataKey',
      readOnly: true,
      resourceArns: [KEY_ARN],
      requestParameters: {
        KeyId: KEY_ID,
        KeySpec: 'AES_256',
        EncryptionContext: { Department: 'Engineering', Project: 'Alpha' },
      },
      responseElements: { CiphertextBlob: Buffer.alloc(64, 7), Plaintext: Buffer.alloc(32, 9), KeyId: KEY_ARN },
    }),
    request: ['encryptionContext', 'encryptionContext.Department', 'encryptionContext.Project', 'keyId', 'keySpec'],
    response: null,
  },
  {
    name: 'KMS CreateKey',
    facts: callFacts({
      eventName: 'CreateKey',
      resourceArns: [KEY_ARN],
      requestParameters: {
        Description: '',
        KeyUsage: 'ENCRYPT_DECRYPT',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Origin: 'AWS_KMS',
        BypassPolicyLockoutSafetyCheck: false,
      },
      responseElements: {
        KeyMetadata: {
          AWSAccountId: ACCOUNT,
          KeyId: KEY_ID,
          Arn: KEY_ARN,
          CreationDate: Date.UTC(2022, 7, 10, 22, 38, 27) / 1000,
          Enabled: true,
          Description: '',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
          KeyManager: 'CUSTOMER',
          CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
          KeySpec: 'SYMMETRIC_DEFAULT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
          MultiRegion: false,
        },
      },
    }),
    request: [
      'bypassPolicyLockoutSafetyCheck',
      'customerMasterKeySpec',
      'description',
      'keySpec',
      'keyUsage',
      'origin',
    ],
    response: [
      'keyMetadata',
      'keyMetadata.AWSAccountId',
      'keyMetadata.arn',
      'keyMetadata.creationDate',
      'keyMetadata.customerMasterKeySpec',
      'keyMetadata.description',
      'keyMetadata.enabled',
      'keyMetadata.encryptionAlgorithms',
      'keyMetadata.keyId',
      'keyMetadata.keyManager',
      'keyMetadata.keySpec',
      'keyMetadata.keyState',
      'keyMetadata.keyUsage',
      'keyMetadata.multiRegion',
      'keyMetadata.origin',
    ],
  },
  {
    // Since December 2022 CloudTrail adds the key's ARN as responseElements.keyId.
    name: 'KMS CreateGrant',
    facts: callFacts({
      eventName: 'CreateGrant',
      resourceArns: [KEY_ARN],
      requestParameters: {
        KeyId: KEY_ARN,
        Constraints: { EncryptionContextSubset: { ContextKey1: 'Value1' } },
        Operations: ['Encrypt', 'RetireGrant'],
        GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/Bob`,
        GrantTokens: ['a-parent-grant-token'],
      },
      responseElements: { GrantToken: 'a-new-grant-token', GrantId: 'f020fe75197b93991dc8491d6f19dd3c' },
    }),
    request: [
      'constraints',
      'constraints.encryptionContextSubset',
      'constraints.encryptionContextSubset.ContextKey1',
      'granteePrincipal',
      'keyId',
      'operations',
    ],
    response: ['grantId', 'keyId'],
  },
  {
    name: 'IAM CreateAccessKey',
    facts: callFacts({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      awsRegion: 'us-east-1',
      requestParameters: { UserName: 'Bob' },
      responseElements: {
        AccessKey: {
          UserName: 'Bob',
          AccessKeyId: 'AKIABOBEXAMPLE',
          Status: 'Active',
          SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          CreateDate: new Date(Date.UTC(2025, 4, 20, 20, 46, 16)),
        },
      },
    }),
    request: ['userName'],
    response: ['accessKey', 'accessKey.accessKeyId', 'accessKey.createDate', 'accessKey.status', 'accessKey.userName'],
  },
  {
    // AWS writes credentials.sessionToken too; Trent never records a session token.
    name: 'STS AssumeRole',
    facts: callFacts({
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: 'us-east-1',
      requestParameters: {
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/JohnRole2`,
        RoleSessionName: 'Role2WithTags',
        DurationSeconds: 3600,
        SourceIdentity: 'JohnDoe',
        Tags: [{ Key: 'Email', Value: 'johndoe@example.com' }],
      },
      responseElements: {
        Credentials: {
          AccessKeyId: 'ASIAWHOJDLGPOEXAMPLE',
          SecretAccessKey: 'the-session-secret',
          SessionToken: 'the-session-token',
          Expiration: new Date(Date.UTC(2019, 9, 2, 23, 12, 29)),
        },
        AssumedRoleUser: {
          AssumedRoleId: 'AROAIFR7WHDTSOYQYHFUE:Role2WithTags',
          Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/JohnRole2/Role2WithTags`,
        },
        SourceIdentity: 'JohnDoe',
      },
    }),
    request: ['durationSeconds', 'roleArn', 'roleSessionName', 'sourceIdentity', 'tags', 'tags[].key', 'tags[].value'],
    response: [
      'assumedRoleUser',
      'assumedRoleUser.arn',
      'assumedRoleUser.assumedRoleId',
      'credentials',
      'credentials.accessKeyId',
      'credentials.expiration',
      'sourceIdentity',
    ],
  },
];

describe('apiCallRecord against AWS documented example records', () => {
  for (const example of documentedExamples) {
    test(`${example.name}: CloudTrail's members, in CloudTrail's order`, () => {
      const record = apiCallRecord(example.facts);
      const expected =
        example.facts.resourceArns.length === 0
          ? API_CALL_MEMBERS.filter((member) => member !== 'resources')
          : API_CALL_MEMBERS;
      assert.deepEqual(Object.keys(record), expected);
      assert.equal(record['eventVersion'], EVENT_VERSION);
      assert.equal(record['eventType'], 'AwsApiCall');
      assert.equal(record['eventCategory'], 'Management');
      assert.equal(record['managementEvent'], true);
    });

    test(`${example.name}: requestParameters and responseElements name what AWS's example names`, () => {
      const record = apiCallRecord(example.facts);
      const request = record['requestParameters'];
      const response = record['responseElements'];
      if (example.request === null) assert.equal(request, null);
      else assert.deepEqual(memberPaths(request), example.request);
      if (example.response === null) assert.equal(response, null);
      else assert.deepEqual(memberPaths(response), example.response);
    });
  }

  test('EVENT_VERSION is the version CloudTrail currently writes', () => {
    assert.equal(EVENT_VERSION, '1.11');
  });

  test('eventTime is ISO 8601 in UTC to the second', () => {
    const record = apiCallRecord(
      callFacts({ eventName: 'ListKeys', eventTime: Date.UTC(2025, 4, 20, 20, 46, 16, 999) }),
    );
    assert.equal(record['eventTime'], '2025-05-20T20:46:16Z');
  });

  test('values are recorded as given: ids, encryption context keys and values, defaults only where absent', () => {
    const record = apiCallRecord(
      callFacts({
        eventName: 'Decrypt',
        readOnly: true,
        requestParameters: {
          KeyId: KEY_ARN,
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          EncryptionContext: { 'aws:ebs:id': 'vol-1', Department: 'Engineering' },
        },
      }),
    );
    assert.deepEqual(record['requestParameters'], {
      keyId: KEY_ARN,
      encryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      encryptionContext: { 'aws:ebs:id': 'vol-1', Department: 'Engineering' },
    });
  });

  test('an encryption context key named __proto__ is recorded as a member like any other, and a secret-named one is not', () => {
    const context = JSON.parse('{"__proto__": "kept", "team": "blue", "password": "hunter2"}');
    const record = apiCallRecord(
      callFacts({
        eventName: 'Encrypt',
        readOnly: true,
        requestParameters: { KeyId: KEY_ARN, EncryptionContext: context },
      }),
    );
    const recorded = (record['requestParameters'] as { encryptionContext: object }).encryptionContext;
    assert.equal(Object.getPrototypeOf(recorded), Object.prototype);
    assert.deepEqual(Object.entries(recorded), [
      ['__proto__', 'kept'],
      ['team', 'blue'],
    ]);
    assert.ok(!JSON.stringify(record).includes('hunter2'));
  });

  test('timestamps in responseElements are written as CloudTrail writes them', () => {
    const deletionAt = (date: number) =>
      apiCallRecord(
        callFacts({
          eventName: 'ScheduleKeyDeletion',
          resourceArns: [KEY_ARN],
          requestParameters: { KeyId: KEY_ID, PendingWindowInDays: 20 },
          responseElements: { KeyId: KEY_ARN, KeyState: 'PendingDeletion', DeletionDate: date / 1000 },
        }),
      )['responseElements'] as Record<string, unknown>;
    assert.equal(deletionAt(Date.UTC(2021, 3, 12, 0, 0, 0))['deletionDate'], 'Apr 12, 2021, 12:00:00 AM');
    assert.equal(deletionAt(Date.UTC(2021, 3, 12, 12, 5, 9))['deletionDate'], 'Apr 12, 2021, 12:05:09 PM');
    assert.equal(deletionAt(Date.UTC(2022, 7, 10, 22, 38, 27))['deletionDate'], 'Aug 10, 2022, 10:38:27 PM');
  });

  test('resources name each key with its own account, and are left out when the call touched none', () => {
    const foreignKey = 'arn:aws:kms:us-west-2:444455556666:key/0987dcba-09fe-87dc-65ba-ab0987654321';
    const record = apiCallRecord(callFacts({ eventName: 'ReEncrypt', resourceArns: [KEY_ARN, foreignKey] }));
    assert.deepEqual(record['resources'], [
      { accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN },
      { accountId: '444455556666', type: 'AWS::KMS::Key', ARN: foreignKey },
    ]);
    assert.equal('resources' in apiCallRecord(callFacts({ eventName: 'ListKeys' })), false);
  });

  test('GenerateRandom is recorded with requestParameters null, as AWS records it', () => {
    const record = apiCallRecord(
      callFacts({
        eventName: 'GenerateRandom',
        readOnly: true,
        requestParameters: { NumberOfBytes: 32 },
        responseElements: { Plaintext: Buffer.alloc(32, 1) },
      }),
    );
    assert.equal(record['requestParameters'], null);
    assert.equal(record['responseElements'], null);
  });

  test('reads record their request and no response', () => {
    const record = apiCallRecord(
      callFacts({
        eventName: 'DescribeKey',
        readOnly: true,
        requestParameters: { KeyId: KEY_ID, GrantTokens: ['a-grant-token'] },
        responseElements: { KeyMetadata: { KeyId: KEY_ID } },
      }),
    );
    assert.deepEqual(record['requestParameters'], { keyId: KEY_ID });
    assert.equal(record['responseElements'], null);
  });

  test('a call without a recording rule records neither its request nor its response', () => {
    const record = apiCallRecord(
      callFacts({
        eventName: 'TrentAdmin.CreateAccount',
        requestParameters: { AccountId: '444455556666' },
        responseElements: { AccessKeyId: 'AKIANEWEXAMPLE', SecretAccessKey: 'root-secret' },
      }),
    );
    assert.equal(record['requestParameters'], null);
    assert.equal(record['responseElements'], null);
  });

  test('every map of the KMS model keeps its own keys, as the caller gave them', () => {
    const mapMembers = Object.values(shapes).flatMap((shape: Shape) =>
      shape.type === 'structure'
        ? Object.entries(shape.members).filter(([, type]) => shapes[type as ShapeName].type === 'map')
        : [],
    );
    assert.ok(mapMembers.length > 0);
    for (const [member] of mapMembers) {
      const map = { 'aws:cloudtrail:arn': 'x', PascalKey: 'y', lowerKey: 'z' };
      const record = apiCallRecord(callFacts({ eventName: 'CreateGrant', requestParameters: { [member]: map } }));
      const recordedName = member.charAt(0).toLowerCase() + member.slice(1);
      assert.deepEqual(record['requestParameters'], { [recordedName]: map }, member);
    }
  });
});

describe('failed calls', () => {
  const failure = { code: 'IncorrectKeyException', message: 'The key ID in the request does not identify a CMK.' };

  test('carry errorCode and errorMessage after userAgent, and responseElements null', () => {
    const record = apiCallRecord(
      callFacts({
        eventName: 'CreateKey',
        requestParameters: { Description: 'mine' },
        responseElements: { KeyMetadata: { KeyId: KEY_ID } },
        error: failure,
      }),
    );
    const members = Object.keys(record);
    assert.deepEqual(members.slice(members.indexOf('userAgent'), members.indexOf('requestParameters') + 1), [
      'userAgent',
      'errorCode',
      'errorMessage',
      'requestParameters',
    ]);
    assert.equal(record['errorCode'], failure.code);
    assert.equal(record['errorMessage'], failure.message);
    assert.deepEqual(record['requestParameters'], { description: 'mine' });
    assert.equal(record['responseElements'], null);
  });

  test('a call refused before its input was validated has requestParameters null', () => {
    const record = apiCallRecord(callFacts({ eventName: 'Encrypt', error: failure }));
    assert.equal(record['requestParameters'], null);
    assert.equal(record['responseElements'], null);
  });

  test('successful calls carry no error members', () => {
    const record = apiCallRecord(callFacts({ eventName: 'DisableKey', requestParameters: { KeyId: KEY_ID } }));
    assert.equal('errorCode' in record, false);
    assert.equal('errorMessage' in record, false);
  });
});

describe('userIdentity', () => {
  const identityOf = (identity: AuditIdentity) =>
    apiCallRecord(callFacts({ eventName: 'ListKeys', identity }))['userIdentity'];

  test('Root', () => {
    assert.deepEqual(identityOf(root), {
      type: 'Root',
      principalId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAROOTEXAMPLE',
    });
  });

  test('IAMUser', () => {
    assert.deepEqual(identityOf(alice), {
      type: 'IAMUser',
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:user/Alice`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAALICEEXAMPLE',
      userName: 'Alice',
    });
  });

  test('AssumedRole: the role that issued the session, without MFA', () => {
    assert.deepEqual(identityOf(roleSession), {
      type: 'AssumedRole',
      principalId: 'AROAIDPPEZS35WEXAMPLE:MySessionName',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/RoleToBeAssumed/MySessionName`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIASESSIONEXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAIDPPEZS35WEXAMPLE',
          arn: `arn:aws:iam::${ACCOUNT}:role/RoleToBeAssumed`,
          accountId: ACCOUNT,
          userName: 'RoleToBeAssumed',
        },
        attributes: { mfaAuthenticated: 'false' },
      },
    });
  });

  test('AssumedRole: the session creation date and source identity, when known', () => {
    const identity = identityOf({
      ...roleSession,
      sessionCreatedAt: Date.UTC(2025, 4, 20, 20, 0, 0, 500),
      sourceIdentity: 'JohnDoe',
    }) as { sessionContext: Record<string, unknown> };
    assert.deepEqual(identity.sessionContext['attributes'], {
      creationDate: '2025-05-20T20:00:00Z',
      mfaAuthenticated: 'false',
    });
    assert.deepEqual(Object.keys(identity.sessionContext['attributes'] as object), [
      'creationDate',
      'mfaAuthenticated',
    ]);
    assert.equal(identity.sessionContext['sourceIdentity'], 'JohnDoe');
  });
});

describe('serviceEventRecord', () => {
  test("KMS's DeleteKey at the end of a waiting period, as CloudTrail records it", () => {
    const record = serviceEventRecord({
      eventTime: Date.UTC(2020, 6, 31, 0, 7, 0, 250),
      eventSource: 'kms.amazonaws.com',
      eventName: 'DeleteKey',
      awsRegion: 'us-west-2',
      eventId: 'b25f9cda-74e1-4458-847b-4972a0bf9668',
      resourceArns: [KEY_ARN],
      recipientAccountId: ACCOUNT,
      serviceEventDetails: { keyId: KEY_ID },
    });
    assert.deepEqual(record, {
      eventVersion: '1.11',
      userIdentity: { accountId: ACCOUNT, invokedBy: 'kms.amazonaws.com' },
      eventTime: '2020-07-31T00:07:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName: 'DeleteKey',
      awsRegion: 'us-west-2',
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: { keyId: KEY_ARN },
      eventID: 'b25f9cda-74e1-4458-847b-4972a0bf9668',
      readOnly: false,
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }],
      eventType: 'AwsServiceEvent',
      recipientAccountId: ACCOUNT,
      serviceEventDetails: { keyId: KEY_ID },
      managementEvent: true,
      eventCategory: 'Management',
    });
    assert.deepEqual(Object.keys(record).slice(-4), [
      'recipientAccountId',
      'serviceEventDetails',
      'managementEvent',
      'eventCategory',
    ]);
  });

  test('service event details go through the secret filter too', () => {
    const record = serviceEventRecord({
      eventTime: 0,
      eventSource: 'kms.amazonaws.com',
      eventName: 'DeleteKey',
      awsRegion: 'us-west-2',
      eventId: 'e',
      resourceArns: [],
      recipientAccountId: ACCOUNT,
      serviceEventDetails: { keyId: KEY_ID, keyMaterial: Buffer.alloc(32, 3), importToken: 'a-token' },
    });
    assert.deepEqual(record['serviceEventDetails'], { keyId: KEY_ID });
  });
});

describe('the recording rules', () => {
  const kmsSource: EventSource = 'kms.amazonaws.com';

  test('every operation Trent serves has one, and reads record no response (AssumeRole aside, as CloudTrail)', () => {
    const served = [
      ...[...operations.values()].map((operation) => ({ source: kmsSource, ...operation })),
      ...[...queryOperations.values()].map((operation) => ({
        source: `${operation.service}.amazonaws.com` as EventSource,
        ...operation,
      })),
    ];
    assert.ok(served.length > 50);
    for (const { source, name, readOnly } of served) {
      const rule = recordingRule(source, name);
      assert.ok(rule !== undefined, `${source} ${name} has no recording rule`);
      // CloudTrail marks AssumeRole read-only yet records its response (the new session's id and key id).
      const recordsResponse = !readOnly || name === 'AssumeRole';
      assert.equal(rule.response, recordsResponse ? 'recorded' : 'null', `${name}`);
    }
  });

  test('cryptographic operations record only members of their request that carry no secret, and no response', () => {
    for (const name of CRYPTOGRAPHIC_OPERATIONS) {
      const rule = recordingRule(kmsSource, name);
      assert.ok(rule !== undefined && Array.isArray(rule.request), name);
      assert.equal(rule.response, 'null', name);
      const input = shapes[operationInputShape[name]];
      assert.equal(input.type, 'structure');
      if (input.type !== 'structure') continue;
      for (const member of rule.request as readonly string[]) {
        const type = input.members[member] as ShapeName | undefined;
        assert.ok(type !== undefined, `${name}.${member} is not a member of its request`);
        const shape = shapes[type];
        assert.ok(shape.type !== 'blob' && !('sensitive' in shape), `${name}.${member} carries secret data`);
        assert.equal(isSecretMemberName(member), false, `${name}.${member}`);
      }
    }
  });

  test('every member the KMS model marks sensitive is a secret member name or a blob (never recorded)', () => {
    // The XKS proxy credential's access key id: an identifier, which CloudTrail records like any access key id.
    const identifiers = new Set(['AccessKeyId']);
    for (const shape of Object.values(shapes) as Shape[]) {
      if (shape.type !== 'structure') continue;
      for (const [member, type] of Object.entries(shape.members)) {
        const memberShape = shapes[type as ShapeName];
        if (!('sensitive' in memberShape) || identifiers.has(member)) continue;
        assert.ok(memberShape.type === 'blob' || isSecretMemberName(member), member);
      }
    }
  });

  test('isSecretMemberName ignores case and separators, and spares ordinary members', () => {
    for (const name of ['Plaintext', 'plaintext', 'SECRET_ACCESS_KEY', 'sessionToken', 'GrantTokens', 'mac']) {
      assert.equal(isSecretMemberName(name), true, name);
    }
    for (const name of ['KeyId', 'accessKeyId', 'EncryptionContext', 'Machine', 'PlaintextLength', 'Policy']) {
      assert.equal(isSecretMemberName(name), false, name);
    }
  });
});

/** The member names the brief forbids, independent of the implementation's own list. */
const FORBIDDEN_MEMBERS = [
  'Plaintext',
  'CiphertextBlob',
  'CiphertextForRecipient',
  'PrivateKeyPlaintext',
  'PrivateKeyCiphertextBlob',
  'KeyMaterial',
  'ImportToken',
  'Signature',
  'Mac',
  'SecretAccessKey',
  'SessionToken',
  'GrantToken',
  'GrantTokens',
  'Password',
];
const forbiddenNormalized = new Set(FORBIDDEN_MEMBERS.map((name) => name.toLowerCase()));
const snakeCase = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2');

const PLANTED = 'planted-';

describe('no secret ever reaches a record (property)', () => {
  const secretName = fc
    .constantFrom(...FORBIDDEN_MEMBERS)
    .chain((name) =>
      fc.constantFrom(name, name.charAt(0).toLowerCase() + name.slice(1), name.toUpperCase(), snakeCase(name)),
    );
  const plantedSecret = fc.uuid().map((uuid) => `${PLANTED}${uuid}`);
  const blob = fc
    .uint8Array({ minLength: 12, maxLength: 48 })
    .chain((bytes) => fc.constantFrom<Uint8Array>(Buffer.from(bytes), bytes));
  const secretValue = fc.oneof(plantedSecret, blob, fc.array(plantedSecret, { minLength: 1, maxLength: 3 }));
  const benignName = fc.oneof(
    fc.constantFrom(
      'KeyId',
      'EncryptionContext',
      'Constraints',
      'EncryptionContextSubset',
      'KeyMetadata',
      'AccessKey',
      'Credentials',
      'Tags',
      'UserName',
      'CreationDate',
      'AWSAccountId',
    ),
    fc.stringMatching(/^[A-Za-z][a-z]{0,10}$/).filter((name) => !forbiddenNormalized.has(name.toLowerCase())),
  );
  const benignLeaf = fc.oneof(
    fc.stringMatching(/^[a-z ]{0,16}$/),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.date({ noInvalidDate: true }),
    blob,
  );
  const { structure } = fc.letrec<{ structure: Record<string, unknown>; value: unknown }>((tie) => ({
    structure: fc
      .array(fc.oneof(fc.tuple(benignName, tie('value')), fc.tuple(secretName, secretValue)), { maxLength: 6 })
      .map((entries) => Object.fromEntries(entries)),
    value: fc.oneof({ depthSize: 'small' }, benignLeaf, tie('structure'), fc.array(tie('value'), { maxLength: 3 })),
  }));

  const knownOperations: readonly [EventSource, string][] = [
    ...CRYPTOGRAPHIC_OPERATIONS.map((name): [EventSource, string] => ['kms.amazonaws.com', name]),
    ...[...operations.keys()].map((name): [EventSource, string] => ['kms.amazonaws.com', name]),
    ...[...queryOperations.values()].map((operation): [EventSource, string] => [
      `${operation.service}.amazonaws.com` as EventSource,
      operation.name,
    ]),
    ['kms.amazonaws.com', 'DeleteKey'],
    ['kms.amazonaws.com', 'TrentAdmin.CreateAccount'],
    ['iam.amazonaws.com', 'UnknownOperation'],
  ];

  /** Every planted secret string and every blob in the facts: none of them may show in the record. */
  function plantedIn(value: unknown, found: { strings: string[]; blobs: Uint8Array[] }): void {
    if (typeof value === 'string' && value.startsWith(PLANTED)) found.strings.push(value);
    else if (value instanceof Uint8Array) found.blobs.push(value);
    else if (Array.isArray(value)) for (const item of value) plantedIn(item, found);
    else if (typeof value === 'object' && value !== null)
      for (const item of Object.values(value)) plantedIn(item, found);
  }

  test('planted secrets and blobs never appear in the serialized record', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...knownOperations),
        fc.constantFrom(root, alice, roleSession),
        fc.option(structure, { nil: undefined }),
        fc.option(structure, { nil: undefined }),
        fc.option(fc.record({ code: fc.constant('AccessDeniedException'), message: fc.constant('denied') }), {
          nil: undefined,
        }),
        ([eventSource, eventName], identity, requestParameters, responseElements, error) => {
          const facts = callFacts({
            eventSource,
            eventName,
            identity,
            requestParameters,
            responseElements,
            resourceArns: [KEY_ARN],
            ...(error === undefined ? {} : { error }),
          });
          const found = { strings: [] as string[], blobs: [] as Uint8Array[] };
          plantedIn([requestParameters, responseElements], found);
          const written = JSON.stringify(apiCallRecord(facts));
          for (const secret of found.strings) assert.ok(!written.includes(secret), `${secret} in ${written}`);
          for (const bytes of found.blobs) {
            const base64 = Buffer.from(bytes).toString('base64');
            assert.ok(!written.includes(base64), `blob ${base64} in ${written}`);
          }
          assert.ok(!written.includes('"Buffer"'), written);
          if (error !== undefined) assert.equal(JSON.parse(written).responseElements, null);
        },
      ),
      { numRuns: 500 },
    );
  });
});
