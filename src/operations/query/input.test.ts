import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QueryError } from '../../errors/catalogue.js';
import { type InputShape, parseQueryInput } from './input.js';

/** Members as IAM's and STS's models state them. */
const shape: InputShape = {
  UserName: { kind: 'string', required: true, min: 1, max: 64, pattern: '[\\w+=,.@-]+' },
  Path: { kind: 'string', min: 1, max: 512, pattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' },
  Status: { kind: 'string', enum: ['Active', 'Inactive', 'Expired'] },
  PolicyDocument: {
    kind: 'string',
    min: 1,
    max: 131072,
    pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
    sensitive: true,
  },
  DurationSeconds: { kind: 'integer', min: 900, max: 43200 },
  SetAsDefault: { kind: 'boolean' },
  Tags: { kind: 'tags', max: 50 },
  PolicyArns: { kind: 'stringList', max: 3, itemMin: 20, itemMax: 2048, itemPattern: 'arn:[\\w+=/,.@:-]+' },
  PermissionsBoundary: { kind: 'unsupported', reason: 'Trent does not support permissions boundaries.' },
};

/** A request naming user alice unless `entries` says otherwise; an undefined entry is a parameter left out. */
const params = (entries: Record<string, string | undefined>): Map<string, string> =>
  new Map(
    Object.entries({ UserName: 'alice', ...entries }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );

/** The ValidationError message parseQueryInput throws for the parameters. */
function violations(entries: Record<string, string | undefined>): string {
  try {
    parseQueryInput(shape, params(entries));
  } catch (error) {
    assert.ok(error instanceof QueryError, String(error));
    assert.equal(error.code, 'ValidationError');
    return error.message;
  }
  assert.fail('the input was accepted');
}

const one = (violation: string) => `1 validation error detected: ${violation}`;

const tagParams = (tags: readonly (readonly [string, string])[]): Record<string, string> =>
  Object.fromEntries(
    tags.flatMap(([key, value], index) => [
      [`Tags.member.${index + 1}.Key`, key],
      [`Tags.member.${index + 1}.Value`, value],
    ]),
  );

const fiftyOneTags = Array.from({ length: 51 }, (_, index) => [`team-${index}`, 'platform-engineering'] as const);

describe('parseQueryInput', () => {
  it('types every kind of member and ignores parameters no member names', () => {
    const input = parseQueryInput(
      shape,
      params({
        Action: 'CreateRole',
        Version: '2010-05-08',
        Unknown: 'x',
        'Tags.member.1.Other': 'x',
        Path: '/division_abc/subdivision_xyz/',
        Status: 'Inactive',
        PolicyDocument: '{"Version":"2012-10-17"}',
        DurationSeconds: '0900',
        SetAsDefault: 'false',
        'Tags.member.1.Key': 'café 日本',
        'Tags.member.1.Value': '',
        'Tags.member.2.Key': 'team',
        'Tags.member.2.Value': 'a+b=c@d:e/f',
        'PolicyArns.member.2': 'arn:aws:iam::aws:policy/B',
        'PolicyArns.member.1': 'arn:aws:iam::aws:policy/A',
      }),
    );
    assert.deepEqual(input, {
      UserName: 'alice',
      Path: '/division_abc/subdivision_xyz/',
      Status: 'Inactive',
      PolicyDocument: '{"Version":"2012-10-17"}',
      DurationSeconds: 900,
      SetAsDefault: false,
      Tags: [
        { Key: 'café 日本', Value: '' },
        { Key: 'team', Value: 'a+b=c@d:e/f' },
      ],
      PolicyArns: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B'],
    });
  });

  it('leaves absent members out and reads a bare list name (how the SDKs send an empty list) as an empty list', () => {
    assert.deepEqual(parseQueryInput(shape, params({})), { UserName: 'alice' });
    assert.deepEqual(parseQueryInput(shape, params({ Tags: '', PolicyArns: '' })), {
      UserName: 'alice',
      Tags: [],
      PolicyArns: [],
    });
  });

  it('reads integers and booleans', () => {
    const read = (entries: Record<string, string>) => parseQueryInput(shape, params(entries));
    assert.equal(read({ DurationSeconds: '43200' }).DurationSeconds, 43200);
    assert.equal(read({ SetAsDefault: 'true' }).SetAsDefault, true);
  });

  const cases: readonly { name: string; entries: Record<string, string | undefined>; message: string }[] = [
    {
      name: 'a required member that is absent',
      entries: { UserName: undefined },
      message: one("Value null at 'userName' failed to satisfy constraint: Member must not be null"),
    },
    {
      name: 'a pattern, matched against the whole value with Java’s ASCII \\w',
      entries: { UserName: 'José' },
      message: one(
        "Value 'José' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      ),
    },
    {
      name: 'a pattern with alternatives and \\u escapes',
      entries: { Path: '/a' },
      message: one(
        "Value '/a' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
      ),
    },
    {
      name: 'a maximum length',
      entries: { UserName: 'a'.repeat(65) },
      message: one(
        `Value '${'a'.repeat(65)}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`,
      ),
    },
    {
      name: 'an empty string: its pattern, then its minimum length',
      entries: { UserName: '' },
      message:
        '2 validation errors detected: ' +
        "Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    },
    {
      name: 'an enum',
      entries: { Status: 'active' },
      message: one(
        "Value 'active' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
      ),
    },
    {
      name: 'a sensitive member, never echoed',
      entries: { PolicyDocument: 'secret\u0001' },
      message: one(
        "Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
      ),
    },
    {
      name: 'an integer below its minimum',
      entries: { DurationSeconds: '899' },
      message: one(
        "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ),
    },
    {
      name: 'an integer above its maximum',
      entries: { DurationSeconds: '43201' },
      message: one(
        "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
      ),
    },
    ...['', 'abc', '1.5', '+1000', '1e3', ' 1000', '2147483648', '-2147483649', '99999999999'].map((text) => ({
      name: `an integer that is not one: '${text}'`,
      entries: { DurationSeconds: text },
      message: one(`Value '${text}' at 'durationSeconds' failed to satisfy constraint: Member must be a number`),
    })),
    ...['', 'True', '1', 'yes'].map((text) => ({
      name: `a boolean that is not one: '${text}'`,
      entries: { SetAsDefault: text },
      message: one(`Value '${text}' at 'setAsDefault' failed to satisfy constraint: Member must be a boolean`),
    })),
    {
      name: 'a tag key outside the tag pattern',
      entries: tagParams([['a*b', 'v']]),
      message: one(
        "Value 'a*b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
      ),
    },
    {
      name: 'an empty tag key',
      entries: tagParams([['', 'v']]),
      message:
        '2 validation errors detected: ' +
        "Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; " +
        "Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
    },
    {
      name: 'tag keys and values too long',
      entries: tagParams([
        ['k'.repeat(129), 'v'],
        ['k', 'v'.repeat(257)],
      ]),
      message:
        '2 validation errors detected: ' +
        `Value '${'k'.repeat(129)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128; ` +
        `Value '${'v'.repeat(257)}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
    },
    {
      name: 'a tag value outside the tag pattern',
      entries: tagParams([['k', 'a,b']]),
      message: one(
        "Value 'a,b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
      ),
    },
    {
      name: 'a tag key without its value and a value without its key',
      entries: { 'Tags.member.1.Key': 'a', 'Tags.member.2.Value': 'b' },
      message:
        '2 validation errors detected: ' +
        "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'a gap in the tag list',
      entries: { ...tagParams([['a', '1']]), 'Tags.member.3.Key': 'c', 'Tags.member.3.Value': '3' },
      message: one("Value null at 'tags.2.member' failed to satisfy constraint: Member must not be null"),
    },
    {
      name: 'more tags than allowed, echoed as Java prints a list and cut after 1024 characters',
      entries: tagParams(fiftyOneTags),
      message: one(
        `Value '${`[${fiftyOneTags.map(([key, value]) => `{Key=${key}, Value=${value}}`).join(', ')}]`.slice(0, 1024)}...' ` +
          "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
      ),
    },
    {
      name: 'list items breaking their constraints, reported once for the list',
      entries: { 'PolicyArns.member.1': 'arn:aws:iam::aws:policy/A', 'PolicyArns.member.2': 'arn:x' },
      message: one(
        "Value '[arn:aws:iam::aws:policy/A, arn:x]' at 'policyArns' failed to satisfy constraint: Member must satisfy constraint: " +
          '[Member must have length less than or equal to 2048, Member must have length greater than or equal to 20, ' +
          'Member must satisfy regular expression pattern: arn:[\\w+=/,.@:-]+]',
      ),
    },
    {
      name: 'a gap in a list and too many items',
      entries: {
        'PolicyArns.member.1': 'arn:aws:iam::aws:policy/A',
        'PolicyArns.member.4': 'arn:aws:iam::aws:policy/D',
      },
      message:
        '3 validation errors detected: ' +
        "Value null at 'policyArns.2.member' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'policyArns.3.member' failed to satisfy constraint: Member must not be null; " +
        "Value '[arn:aws:iam::aws:policy/A, arn:aws:iam::aws:policy/D]' at 'policyArns' failed to satisfy constraint: " +
        'Member must have length less than or equal to 3',
    },
    {
      name: 'violations of several members, in the order of the shape',
      entries: { UserName: 'a b', Status: 'Gone', DurationSeconds: '1' },
      message:
        '3 validation errors detected: ' +
        "Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value 'Gone' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]; " +
        "Value '1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    },
  ];

  for (const { name, entries, message } of cases) {
    it(`refuses ${name}`, () => {
      assert.equal(violations(entries), message);
    });
  }

  it('lists at most ten violations, counts them all, and cuts long echoed values', () => {
    const message = violations({ 'Tags.member.1000.Key': 'k', 'Tags.member.1000.Value': 'v' });
    assert.ok(message.startsWith('1000 validation errors detected: '), message);
    assert.equal(message.split('; ').length, 10);
    assert.equal(violations({ Status: 'é'.repeat(2000) }).match(/é/g)?.length, 1024);
  });

  it('refuses list indexes that are not 1 to 1000 before reading the list', () => {
    for (const name of [
      'Tags.member.0.Key',
      'Tags.member.01.Key',
      'Tags.member.1001.Key',
      'Tags.member.99999999999999999999.Value',
      'Tags.member.x.Key',
      'PolicyArns.member.1001',
      'PolicyArns.member.-1',
    ]) {
      const list = name.split('.')[0];
      assert.equal(violations({ [name]: 'v' }), `List indexes of '${list}' must run from 1 to at most 1000`, name);
    }
  });

  it('refuses a member Trent does not implement, whatever else is wrong', () => {
    for (const name of ['PermissionsBoundary', 'PermissionsBoundary.Arn']) {
      assert.equal(violations({ [name]: 'x', UserName: '' }), 'Trent does not support permissions boundaries.');
    }
    assert.deepEqual(parseQueryInput(shape, params({ PermissionsBoundaryX: 'x' })), { UserName: 'alice' });
  });

  it('reads back any valid tag list', () => {
    const tagText = (minLength: number, maxLength: number) =>
      fc.string({
        unit: fc.constantFrom('a', 'Z', '0', ' ', '_', '.', ':', '/', '=', '+', '-', '@', 'é', '日', '٣', '\u00a0'),
        minLength,
        maxLength,
      });
    fc.assert(
      fc.property(fc.array(fc.tuple(tagText(1, 128), tagText(0, 256)), { maxLength: 50 }), (tags) => {
        const input = parseQueryInput(shape, params({ Tags: '', ...tagParams(tags) }));
        assert.deepEqual(
          input.Tags,
          tags.map(([Key, Value]) => ({ Key, Value })),
        );
      }),
    );
  });

  it('answers any parameters with an input or a ValidationError, nothing else', () => {
    const name = fc.oneof(
      fc.constantFrom('UserName', 'Path', 'DurationSeconds', 'SetAsDefault', 'Tags', 'PolicyArns', 'Status'),
      fc
        .tuple(
          fc.constantFrom('Tags.member.', 'PolicyArns.member.'),
          fc.nat(1002),
          fc.constantFrom('', '.Key', '.Value'),
        )
        .map((parts) => parts.join('')),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.string({ unit: 'binary' }))), (entries) => {
        try {
          parseQueryInput(shape, new Map(entries));
        } catch (error) {
          assert.ok(error instanceof QueryError && error.code === 'ValidationError', String(error));
        }
      }),
    );
  });
});
