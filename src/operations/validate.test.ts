import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateShapesModule, outputUrl, readModel } from '../../scripts/gen-shapes.js';
import { KmsError } from '../errors/catalogue.js';
import { type OperationName, operationInputShape, operationNames, shapes } from './generated/kms-shapes.js';
import { javaPatternToRegExp, validateInput } from './validate.js';

const modelUrl = new URL('../../../shared/aws-models/kms-2014-11-01.json', import.meta.url);
const noModel = existsSync(modelUrl) ? false : 'needs ../shared/aws-models/kms-2014-11-01.json beside the repository';

/** What validateInput threw, as `type: message`; fails the test when it returns or throws something else. */
function rejection(operation: OperationName, body: unknown): string {
  try {
    validateInput(operation, body);
  } catch (error) {
    assert.ok(error instanceof KmsError, `not a KmsError: ${String(error)}`);
    return `${error.type}: ${error.clientMessage}`;
  }
  assert.fail(`${operation} accepted ${JSON.stringify(body)}`);
}

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
const encrypt = (extra: Record<string, unknown>) => ({ KeyId: 'k', Plaintext: b64('A'), ...extra });
const invalid = (...violations: string[]) =>
  `ValidationException: ${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`;

describe('generated shapes', () => {
  it('match the model: regenerating gives the committed file', { skip: noModel }, () => {
    assert.equal(generateShapesModule(readModel(modelUrl)), readFileSync(outputUrl, 'utf8'));
  });

  it('name all 54 operations, each with a described input shape', () => {
    assert.equal(operationNames.length, 54);
    assert.deepEqual(Object.keys(operationInputShape).sort(), [...operationNames]);
    for (const operation of operationNames) assert.ok(shapes[operationInputShape[operation]], operation);
  });

  it('describe the KMS limits the operations rely on', () => {
    assert.deepEqual(shapes.KeyIdType, { type: 'string', min: 1, max: 2048 });
    assert.deepEqual(shapes.PlaintextType, { type: 'blob', min: 1, max: 4096, sensitive: true });
    assert.deepEqual(shapes.EncryptRequest, {
      type: 'structure',
      members: {
        DryRun: 'NullableBooleanType',
        EncryptionAlgorithm: 'EncryptionAlgorithmSpec',
        EncryptionContext: 'EncryptionContextType',
        GrantTokens: 'GrantTokenList',
        KeyId: 'KeyIdType',
        Plaintext: 'PlaintextType',
      },
      required: ['KeyId', 'Plaintext'],
    });
  });
});

describe('javaPatternToRegExp', () => {
  // Every pattern in the KMS model, with values it must accept and refuse (whole-value match, as Java's matches()).
  const cases: [pattern: string, accepted: string[], refused: string[]][] = [
    ['[0-9]{12}', ['111122223333'], ['11112222333', 'x111122223333', '1111222233334']],
    ['[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', ['{"a": "é"}\t\n\r'], ['', 'ā', '\u0000', '😀']],
    ['[\\u0020-\\u00FF]*', ['', 'marker ÿ'], ['\n', 'Ā']],
    ['[\\w]+', ['Default_1'], ['', 'a-b', 'é']],
    [
      '^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$',
      ['/kms/xks/v1', '/a/b_c/kms/xks/v12'],
      ['/kms/xks/v123', 'kms/xks/v1', '/x/kms/xks/v'],
    ],
    [
      '^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$',
      ['com.amazonaws.vpce.us-east-1.vpce-svc-0abc'],
      ['comXamazonaws.vpce.us-east-1.vpce-svc-0abc'],
    ],
    ['^([a-z]+-){2,3}\\d+$', ['us-east-1', 'us-gov-west-1'], ['us-1', 'US-east-1']],
    ['^[A-Z2-7]+$', ['ABCDEFGHIJKLMNOPQRST'], ['abc', 'A1', 'A\n']],
    ['^[a-f0-9]+$', ['0a1b'], ['0A', '', 'ab\n']],
    ['^[a-zA-Z0-9-_.]+$', ['a-b_c.d'], ['a b', 'a/b']],
    ['^[a-zA-Z0-9:/_-]+$', ['alias/my-key_1:x'], ['alias/my key', 'alias/é', '']],
    ['^[a-zA-Z0-9:/_\\s.-]+$', ['a b\tc.d'], ['a\u00a0b', 'a\u2003b']],
    ['^[a-zA-Z0-9\\/+=]+$', ['abc/+=='], ['abc-']],
    ['^[\\w+=,.@:/-]+$', ['arn:aws:iam::111122223333:role/x+y=z,a.b@c-d'], ['a b', 'é']],
    ['^https://[a-zA-Z0-9.-]+$', ['https://xks.example.com'], ['http://xks.example.com', 'https://a/b']],
    [
      'cluster-[2-7a-zA-Z]{11,16}',
      ['cluster-234567abcdef'],
      ['cluster-abc', 'cluster-1bcdefghijkl', 'xcluster-abcdefghijk'],
    ],
  ];

  it('covers every pattern in the model (a new one needs cases here)', () => {
    const inModel = new Set(
      Object.values(shapes).flatMap((shape) => ('pattern' in shape && shape.pattern ? [shape.pattern] : [])),
    );
    assert.deepEqual([...inModel].sort(), cases.map(([pattern]) => pattern).sort());
  });

  for (const [pattern, accepted, refused] of cases) {
    it(`matches whole values like Java: ${pattern}`, () => {
      const regExp = javaPatternToRegExp(pattern);
      for (const value of accepted) assert.ok(regExp.test(value), `should accept ${JSON.stringify(value)}`);
      for (const value of refused) assert.ok(!regExp.test(value), `should refuse ${JSON.stringify(value)}`);
    });
  }

  it("translates Java's `.` and refuses constructs it cannot translate exactly", () => {
    assert.ok(!javaPatternToRegExp('a.b').test('a\u0085b'));
    for (const pattern of ['\\p{L}+', 'a++', 'a{2}+', '[a-z&&[^e]]', '[a[b]]', '\\S+', '\\h']) {
      assert.throws(() => javaPatternToRegExp(pattern), /unsupported/, pattern);
    }
  });
});

describe('validateInput: constraint violations (ValidationException, worded as AWS)', () => {
  const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`);
  const cases: [name: string, operation: OperationName, body: unknown, expected: string][] = [
    [
      'missing required members, in member order',
      'Encrypt',
      {},
      invalid(
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null",
        "Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
      ),
    ],
    [
      'string too short',
      'DescribeKey',
      { KeyId: '' },
      invalid("Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    ],
    [
      'string too long; an echoed value is cut after 1024 characters',
      'DescribeKey',
      { KeyId: 'k'.repeat(2049) },
      invalid(
        `Value '${'k'.repeat(2049).slice(0, 1024)}...' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
      ),
    ],
    [
      'length counts UTF-16 code units',
      'CreateKey',
      { Description: '😀'.repeat(4097) },
      invalid(
        `Value '${'😀'.repeat(512)}...' at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192`,
      ),
    ],
    [
      'enum, values in model order',
      'GenerateDataKey',
      { KeyId: 'k', KeySpec: 'AES_512' },
      invalid(
        "Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
      ),
    ],
    [
      'pattern reported before length for the same value',
      'CreateAlias',
      { AliasName: '', TargetKeyId: 'k' },
      invalid(
        "Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        "Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    ],
    [
      'integer below its minimum',
      'GenerateRandom',
      { NumberOfBytes: 0 },
      invalid(
        "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ),
    ],
    [
      'integer above its maximum',
      'GenerateRandom',
      { NumberOfBytes: 1025 },
      invalid(
        "Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
      ),
    ],
    [
      'sensitive blob: never echoed',
      'Encrypt',
      encrypt({ Plaintext: '' }),
      invalid("Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    ],
    [
      'sensitive blob length counts decoded bytes',
      'Encrypt',
      encrypt({ Plaintext: b64(Buffer.alloc(4097, 7)) }),
      invalid("Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"),
    ],
    [
      'other blobs print as a Java ByteBuffer',
      'Decrypt',
      { CiphertextBlob: b64(Buffer.alloc(6145)) },
      invalid(
        "Value 'java.nio.HeapByteBuffer[pos=0 lim=6145 cap=6145]' at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144",
      ),
    ],
    [
      'sensitive string: never echoed',
      'UpdateCustomKeyStore',
      { CustomKeyStoreId: 'cks-1', KeyStorePassword: 'secret' },
      invalid(
        "Value at 'keyStorePassword' failed to satisfy constraint: Member must have length greater than or equal to 7",
      ),
    ],
    [
      'list too long',
      'Encrypt',
      encrypt({ GrantTokens: eleven }),
      invalid(`Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10`),
    ],
    [
      'scalar list elements: one violation listing the element constraints',
      'Encrypt',
      encrypt({ GrantTokens: ['ok', ''] }),
      invalid(
        "Value at 'grantTokens' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 8192, Member must have length greater than or equal to 1]",
      ),
    ],
    [
      'structures in a list: 1-based .member paths',
      'TagResource',
      { KeyId: 'k', Tags: [{ TagKey: 'a', TagValue: 'b' }, { TagKey: '' }] },
      invalid(
        "Value '' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "Value null at 'tags.2.member.tagValue' failed to satisfy constraint: Member must not be null",
      ),
    ],
    [
      'nested structure members, sensitive ones not echoed',
      'CreateCustomKeyStore',
      { CustomKeyStoreName: 'n', XksProxyAuthenticationCredential: { AccessKeyId: 'x' } },
      invalid(
        "Value at 'xksProxyAuthenticationCredential.accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Z2-7]+$",
        "Value at 'xksProxyAuthenticationCredential.accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 20",
        "Value null at 'xksProxyAuthenticationCredential.rawSecretAccessKey' failed to satisfy constraint: Member must not be null",
      ),
    ],
    [
      'a null map value is refused, not dropped',
      'Encrypt',
      encrypt({ EncryptionContext: { a: 'b', c: null } }),
      invalid(
        "Value '{a=b, c=null}' at 'encryptionContext' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]",
      ),
    ],
  ];

  for (const [name, operation, body, expected] of cases) {
    it(name, () => assert.equal(rejection(operation, body), expected));
  }

  it('enum list elements: one violation listing the enum', () => {
    const message = rejection('CreateGrant', { KeyId: 'k', GranteePrincipal: 'p', Operations: ['Encrypt', 'Nope'] });
    assert.match(
      message,
      /^ValidationException: 1 validation error detected: Value '\[Encrypt, Nope\]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[Decrypt, Encrypt, .*, DeriveSharedSecret\]\]$/,
    );
  });

  it('lists at most ten violations but counts them all', () => {
    const tags = Array.from({ length: 12 }, () => ({}));
    const message = rejection('TagResource', { KeyId: 'k', Tags: tags });
    assert.ok(message.startsWith('ValidationException: 24 validation errors detected: '), message);
    assert.equal(message.split('; ').length, 10);
  });
});

describe('validateInput: wrong JSON kinds (SerializationException)', () => {
  const cases: [name: string, operation: OperationName, body: unknown, message: string | undefined][] = [
    ['top-level list', 'ListKeys', [], 'Start of list found where not expected'],
    ['top-level string', 'ListKeys', 'x', undefined],
    ['top-level number', 'ListKeys', 1, undefined],
    ['top-level null', 'ListKeys', null, undefined],
    ['number for a string', 'DescribeKey', { KeyId: 1 }, 'NUMBER_VALUE can not be converted to a String'],
    ['fraction for a string', 'DescribeKey', { KeyId: 1.5 }, 'NUMBER_VALUE can not be converted to a String'],
    ['true for a string', 'DescribeKey', { KeyId: true }, 'TRUE_VALUE can not be converted to a String'],
    ['false for a string', 'DescribeKey', { KeyId: false }, 'FALSE_VALUE can not be converted to a String'],
    ['list for a string', 'DescribeKey', { KeyId: ['k'] }, 'Start of list found where not expected'],
    ['object for a string', 'DescribeKey', { KeyId: { a: 1 } }, 'Start of structure or map found where not expected.'],
    [
      'string for an integer',
      'GenerateRandom',
      { NumberOfBytes: '1' },
      'STRING_VALUE can not be converted to an Integer',
    ],
    ['true for an integer', 'GenerateRandom', { NumberOfBytes: true }, 'TRUE_VALUE can not be converted to an Integer'],
    [
      'integer beyond Java int',
      'GenerateRandom',
      { NumberOfBytes: 2 ** 31 },
      'NUMBER_VALUE can not be converted to an Integer',
    ],
    ['string for a boolean', 'Encrypt', encrypt({ DryRun: 'true' }), 'STRING_VALUE can not be converted to a Boolean'],
    [
      'string for a timestamp',
      'ImportKeyMaterial',
      { ValidTo: '2030-01-01' },
      'STRING_VALUE can not be converted to a Timestamp',
    ],
    ['number for a blob', 'Encrypt', encrypt({ Plaintext: 1 }), 'NUMBER_VALUE can not be converted to a Blob'],
    [
      'base64 with a bad character',
      'Encrypt',
      encrypt({ Plaintext: 'QQ==\n' }),
      'Base64 encoded value can not be converted to a Blob: Invalid Base64 character',
    ],
    [
      'URL-safe base64',
      'Encrypt',
      encrypt({ Plaintext: '-_8=' }),
      'Base64 encoded value can not be converted to a Blob: Invalid Base64 character',
    ],
    [
      'base64 of impossible length',
      'Encrypt',
      encrypt({ Plaintext: 'QUJDR' }),
      'Base64 encoded value can not be converted to a Blob: Base64 encoded length is invalid',
    ],
    [
      'base64 with short padding',
      'Encrypt',
      encrypt({ Plaintext: 'QQ=' }),
      'Base64 encoded value can not be converted to a Blob: Base64 encoded length is invalid',
    ],
    [
      'base64 with stray bits',
      'Encrypt',
      encrypt({ Plaintext: 'QR==' }),
      'Base64 encoded value can not be converted to a Blob: Invalid last non-pad Base64 character',
    ],
    ['scalar for a list', 'Encrypt', encrypt({ GrantTokens: 't' }), 'Expected list or null'],
    [
      'object for a list',
      'Encrypt',
      encrypt({ GrantTokens: {} }),
      'Start of structure or map found where not expected.',
    ],
    [
      'number in a list of strings',
      'Encrypt',
      encrypt({ GrantTokens: [1] }),
      'NUMBER_VALUE can not be converted to a String',
    ],
    ['list in a list', 'Encrypt', encrypt({ GrantTokens: [['t']] }), 'Start of list found where not expected'],
    ['scalar for a map', 'Encrypt', encrypt({ EncryptionContext: 'a=b' }), 'Expected map or null'],
    ['list for a map', 'Encrypt', encrypt({ EncryptionContext: [] }), 'Start of list found where not expected'],
    [
      'number as a map value',
      'Encrypt',
      encrypt({ EncryptionContext: { a: 1 } }),
      'NUMBER_VALUE can not be converted to a String',
    ],
    ['scalar for a structure', 'TagResource', { KeyId: 'k', Tags: ['a=b'] }, 'Expected null'],
    ['list for a structure', 'TagResource', { KeyId: 'k', Tags: [[]] }, 'Start of list found where not expected'],
    [
      'wins over constraint violations',
      'Encrypt',
      { KeyId: '', Plaintext: 1 },
      'NUMBER_VALUE can not be converted to a Blob',
    ],
  ];

  for (const [name, operation, body, message] of cases) {
    it(name, () => assert.equal(rejection(operation, body), `SerializationException: ${message}`));
  }
});

describe('validateInput: the validated input', () => {
  it('decodes blobs to Buffers, padded or not, and passes the rest through', () => {
    const input = validateInput('Encrypt', {
      KeyId: 'alias/x',
      Plaintext: 'AAEC',
      EncryptionContext: { purpose: 'test' },
      GrantTokens: ['t'],
      DryRun: false,
    });
    assert.deepEqual(input, {
      DryRun: false,
      EncryptionContext: { purpose: 'test' },
      GrantTokens: ['t'],
      KeyId: 'alias/x',
      Plaintext: Buffer.from([0, 1, 2]),
    });
    assert.ok(Buffer.isBuffer(validateInput('Encrypt', encrypt({ Plaintext: 'QQ' }))['Plaintext']));
    assert.deepEqual(validateInput('Encrypt', encrypt({ Plaintext: 'QUI' }))['Plaintext'], Buffer.from('AB'));
  });

  it('treats null as absent: left out when optional, "must not be null" when required', () => {
    assert.deepEqual(validateInput('Encrypt', encrypt({ EncryptionContext: null, GrantTokens: null })), {
      KeyId: 'k',
      Plaintext: Buffer.from('A'),
    });
    assert.equal(
      rejection('DescribeKey', { KeyId: null }),
      invalid("Value null at 'keyId' failed to satisfy constraint: Member must not be null"),
    );
    assert.deepEqual(validateInput('Encrypt', encrypt({ GrantTokens: [null, 't', null] }))['GrantTokens'], ['t']);
  });

  it('ignores and drops unknown members, at the top and inside structures', () => {
    const input = validateInput('TagResource', {
      KeyId: 'k',
      Tags: [{ TagKey: 'a', TagValue: 'b', Extra: 1 }],
      Foo: {},
    });
    assert.deepEqual(input, { KeyId: 'k', Tags: [{ TagKey: 'a', TagValue: 'b' }] });
  });

  it('truncates a fractional integer as AWS does', () => {
    assert.deepEqual(validateInput('GenerateRandom', { NumberOfBytes: 32.9 }), { NumberOfBytes: 32 });
  });

  it('keeps "__proto__" in an encryption context as an ordinary key', () => {
    const input = validateInput('Encrypt', encrypt({ EncryptionContext: JSON.parse('{"__proto__":"x","a":"b"}') }));
    const context = input['EncryptionContext'] as Record<string, unknown>;
    assert.deepEqual(Object.entries(context), [
      ['__proto__', 'x'],
      ['a', 'b'],
    ]);
    assert.equal(Object.getPrototypeOf(context), Object.prototype);
  });

  it('accepts an empty body for every operation without required members, and compiles every operation', () => {
    for (const operation of operationNames) {
      try {
        validateInput(operation, {});
      } catch (error) {
        assert.ok(error instanceof KmsError && error.type === 'ValidationException', `${operation}: ${String(error)}`);
      }
    }
  });
});

describe('validateInput: properties', () => {
  it('never echoes plaintext bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4097, maxLength: 4200 }), (bytes) => {
        const plaintext = Buffer.from(bytes);
        const message = rejection('Encrypt', { Plaintext: plaintext.toString('base64') });
        assert.ok(!message.includes(plaintext.toString('base64').slice(0, 16)));
        assert.ok(!message.includes(plaintext.toString('latin1').slice(0, 16)));
        assert.ok(!message.includes(plaintext.toString('hex').slice(0, 16)));
      }),
      { numRuns: 50 },
    );
  });

  it('any JSON value as KeyId: returns or throws a KmsError, nothing else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (keyId) => {
        try {
          const input = validateInput('DescribeKey', { KeyId: keyId });
          assert.equal(input['KeyId'], keyId);
        } catch (error) {
          assert.ok(error instanceof KmsError, String(error));
        }
      }),
    );
  });

  it("any JSON values for any operation's members: returns or throws a KmsError, nothing else", () => {
    const membersOf = (operation: OperationName) => {
      const shape = shapes[operationInputShape[operation]];
      return shape.type === 'structure' ? Object.keys(shape.members) : [];
    };
    const requests = fc
      .constantFrom(...operationNames)
      .chain((operation) =>
        fc.tuple(
          fc.constant(operation),
          fc.dictionary(fc.constantFrom(...membersOf(operation), 'Unknown'), fc.jsonValue()),
        ),
      );
    fc.assert(
      fc.property(requests, ([operation, body]) => {
        try {
          validateInput(operation, body);
        } catch (error) {
          assert.ok(error instanceof KmsError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });
});
