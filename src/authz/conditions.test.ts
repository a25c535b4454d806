// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in policy text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  evaluateCondition,
  evaluateConditions,
  parseAddress,
  parseInstant,
  parseNetwork,
  parseNumber,
} from './conditions.js';
import {
  ANY_ONE,
  ANY_RUN,
  actionMatches,
  allOf,
  anyOf,
  arnMatches,
  compilePattern,
  expandText,
  negate,
  notPrincipalExempts,
  patternMatches,
  type Truth,
  variablesFor,
} from './matching.js';

function variables(
  entries: Record<string, string | string[]> = {},
  version: '2012-10-17' | '2008-10-17' = '2012-10-17',
) {
  const context = new Map(
    Object.entries(entries).map(([key, value]): [string, readonly string[]] => [
      key.toLowerCase(),
      typeof value === 'string' ? [value] : value,
    ]),
  );
  return variablesFor(version, context);
}

const codePoints = (text: string) => Array.from(text, (char) => char.codePointAt(0)!);

describe('three-valued logic', () => {
  const truths: Truth[] = [true, false, 'unknown'];

  it('anyOf and allOf are Kleene OR and AND', () => {
    assert.equal(anyOf([]), false);
    assert.equal(allOf([]), true);
    assert.equal(anyOf([false, 'unknown']), 'unknown');
    assert.equal(anyOf(['unknown', true]), true);
    assert.equal(allOf([true, 'unknown']), 'unknown');
    assert.equal(allOf(['unknown', false]), false);
  });

  it('negation swaps true and false and keeps unknown (De Morgan holds)', () => {
    assert.equal(negate('unknown'), 'unknown');
    for (const a of truths) {
      for (const b of truths) assert.equal(negate(anyOf([a, b])), allOf([negate(a), negate(b)]));
    }
  });
});

describe('patterns', () => {
  it('compiles `*` and `?` to wildcards, or keeps them literal', () => {
    assert.deepEqual(compilePattern('a*?', variables(), true), [0x61, ANY_RUN, ANY_ONE]);
    assert.deepEqual(compilePattern('a*?', variables(), false), codePoints('a*?'));
  });

  it('substitutes variables as literal text and honours the escapes', () => {
    const vars = variables({ 'aws:username': 'a*b' });
    assert.deepEqual(compilePattern('${aws:username}*', vars, true), [...codePoints('a*b'), ANY_RUN]);
    assert.equal(expandText('x${*}${?}${$}', vars), 'x*?$');
    assert.equal(expandText("${aws:PrincipalTag/team , 'none'}", vars), 'none');
    assert.equal(expandText('${aws:PrincipalTag/team}', vars), undefined);
    assert.equal(expandText('${}', vars), undefined);
  });

  it('leaves `${` without a closing brace as text', () => {
    assert.equal(expandText('a${b', variables()), 'a${b');
  });

  it('leaves variables as text in 2008-10-17 policies', () => {
    assert.equal(
      expandText('${aws:username}', variables({ 'aws:username': 'alice' }, '2008-10-17')),
      '${aws:username}',
    );
  });

  it('matches runs and single code points', () => {
    const like = (pattern: string, subject: string) =>
      patternMatches(compilePattern(pattern, variables(), true)!, subject);
    assert.equal(like('*', ''), true);
    assert.equal(like('', ''), true);
    assert.equal(like('', 'a'), false);
    assert.equal(like('a*', 'a'), true);
    assert.equal(like('*a', 'ba'), true);
    assert.equal(like('*a', 'ab'), false);
    assert.equal(like('a**b', 'ab'), true);
    assert.equal(like('?', '😀'), true, 'one code point, though two UTF-16 units');
    assert.equal(like('??', '😀'), false);
    assert.equal(like('*ab*ab*', 'xaabyabz'), true);
  });

  it('agrees with a regular expression on random inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 8 }),
        (pattern, subject) => {
          const regex = new RegExp(`^${pattern.replaceAll('*', '.*').replaceAll('?', '.')}$`, 's');
          assert.equal(patternMatches(compilePattern(pattern, variables(), true)!, subject), regex.test(subject));
        },
      ),
    );
  });

  it('stays fast on a pattern built to make regular expressions backtrack', () => {
    const pattern = compilePattern(`${'*a'.repeat(30)}*b`, variables(), true)!;
    const started = process.hrtime.bigint();
    assert.equal(patternMatches(pattern, 'a'.repeat(5000)), false);
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
  });

  it('matches actions case-insensitively', () => {
    assert.equal(actionMatches('KMS:Gen*', 'kms:GenerateDataKey'), true);
    assert.equal(actionMatches('kms:Gen*', 'kms:Encrypt'), false);
  });
});

describe('arnMatches', () => {
  const key = 'arn:aws:kms:us-east-1:111122223333:key/k';

  it('matches part by part', () => {
    assert.equal(arnMatches('arn:aws:kms:*:111122223333:key/*', key, variables()), true);
    assert.equal(arnMatches('arn:aws:kms:*:key/k:*:*', key, variables()), false);
    assert.equal(arnMatches('*', 'anything', variables()), true);
    assert.equal(arnMatches('arn:aws:kms:*:*:*', '*', variables()), false);
  });

  it('is unknown for a malformed pattern or an unresolvable variable, unless another part fails', () => {
    assert.equal(arnMatches('arn:aws:kms', key, variables()), 'unknown');
    assert.equal(arnMatches('arn:aws:kms:*:111122223333:key/${aws:username}', key, variables()), 'unknown');
    assert.equal(arnMatches('arn:aws:s3:*:111122223333:key/${aws:username}', key, variables()), false);
  });

  it('does not split at the colons of a variable', () => {
    const vars = variables({ 'aws:username': 'k' });
    assert.equal(arnMatches('arn:aws:kms:us-east-1:111122223333:key/${aws:username}', key, vars), true);
  });
});

describe('notPrincipalExempts', () => {
  const alice = { arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' };
  it('needs every identity of the caller named', () => {
    assert.equal(notPrincipalExempts({ AWS: [alice.arn] }, alice), false);
    assert.equal(notPrincipalExempts({ AWS: [alice.arn, '111122223333'] }, alice), true);
    assert.equal(notPrincipalExempts('*', alice), true);
    assert.equal(notPrincipalExempts({ Service: ['kms.amazonaws.com'] }, alice), false);
  });
});

describe('parseNumber', () => {
  it('reads decimals and nothing else', () => {
    assert.equal(parseNumber('10'), 10);
    assert.equal(parseNumber('-1.5'), -1.5);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('+3.'), 3);
    for (const text of ['', ' 1', '1e3', '0x10', 'NaN', 'Infinity', '1,000', '9'.repeat(400)]) {
      assert.equal(parseNumber(text), undefined, text);
    }
  });
});

describe('parseInstant', () => {
  const at = (iso: string) => Date.parse(iso);

  it('reads ISO 8601 as an instant, UTC unless a zone says otherwise', () => {
    assert.equal(parseInstant('2025-06-01T12:00:00Z'), at('2025-06-01T12:00:00Z'));
    assert.equal(parseInstant('2025-06-01T12:00:00'), at('2025-06-01T12:00:00Z'));
    assert.equal(parseInstant('2025-06-01T12:00Z'), at('2025-06-01T12:00:00Z'));
    assert.equal(parseInstant('2025-06-01'), at('2025-06-01T00:00:00Z'));
    assert.equal(parseInstant('2025-06-01T14:30:00+02:30'), at('2025-06-01T12:00:00Z'));
    assert.equal(parseInstant('2025-06-01T10:00:00-0200'), at('2025-06-01T12:00:00Z'));
    assert.equal(parseInstant('2025-06-01T12:00:00.123456789Z'), at('2025-06-01T12:00:00.123Z'));
    assert.equal(parseInstant('2024-02-29T00:00:00Z'), at('2024-02-29T00:00:00Z'));
    assert.equal(
      parseInstant('0099-01-01T00:00:00Z'),
      at('0099-01-01T00:00:00Z'),
      'two-digit years stay in the first century',
    );
  });

  it('reads epoch seconds', () => {
    assert.equal(parseInstant('1748779200'), at('2025-06-01T12:00:00Z'));
    assert.equal(parseInstant('0'), 0);
  });

  it('refuses what is not a date', () => {
    for (const text of [
      '',
      '2025-02-29T00:00:00Z',
      '2025-04-31',
      '2025-00-01',
      '2025-06-01T24:00:00Z',
      '2025-06-01T12:60:00Z',
      '2025-06-01T12:00:60Z',
      '2025-06-01T12:00:00+24:00',
      '2025-6-1',
      'June 1, 2025',
      '-1',
      '1.5',
    ]) {
      assert.equal(parseInstant(text), undefined, text);
    }
  });
});

describe('parseAddress and parseNetwork', () => {
  it('reads IPv4 and refuses ambiguous or out-of-range forms', () => {
    assert.deepEqual(parseAddress('192.0.2.1'), { version: 4, bits: 0xc0000201n });
    for (const text of ['192.0.2', '192.0.2.256', '192.0.02.1', '192.0.2.1/32', '', 'localhost']) {
      assert.equal(parseAddress(text), undefined, text);
    }
  });

  it('reads IPv6 in its compressed forms', () => {
    assert.deepEqual(parseAddress('::'), { version: 6, bits: 0n });
    assert.deepEqual(parseAddress('::1'), { version: 6, bits: 1n });
    assert.deepEqual(parseAddress('2001:db8::'), { version: 6, bits: 0x20010db8n << 96n });
    assert.deepEqual(parseAddress('2001:DB8:0:0:0:0:0:1'), parseAddress('2001:db8::1'));
    assert.deepEqual(parseAddress('64:ff9b::192.0.2.1'), { version: 6, bits: (0x64ff9bn << 96n) | 0xc0000201n });
    for (const text of [
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8::',
      '12345::',
      ':1::',
      'fe80::1%eth0',
      '::ffff:300.1.1.1',
    ]) {
      assert.equal(parseAddress(text), undefined, text);
    }
  });

  it('treats an IPv4-mapped IPv6 address as IPv4', () => {
    assert.deepEqual(parseAddress('::ffff:192.0.2.1'), { version: 4, bits: 0xc0000201n });
    assert.deepEqual(parseAddress('::ffff:c000:201'), { version: 4, bits: 0xc0000201n });
    assert.deepEqual(parseNetwork('::ffff:192.0.2.0/120'), { version: 4, bits: 0xc0000200n, prefix: 24 });
  });

  it('reads blocks, a bare address being one host', () => {
    assert.deepEqual(parseNetwork('192.0.2.0/24'), { version: 4, bits: 0xc0000200n, prefix: 24 });
    assert.deepEqual(parseNetwork('192.0.2.7'), { version: 4, bits: 0xc0000207n, prefix: 32 });
    assert.deepEqual(parseNetwork('2001:db8::/32'), { version: 6, bits: 0x20010db8n << 96n, prefix: 32 });
    for (const text of [
      '192.0.2.0/33',
      '2001:db8::/129',
      '192.0.2.0/',
      '192.0.2.0/24/8',
      '192.0.2.0/-1',
      '192.0.2.0/0x8',
    ]) {
      assert.equal(parseNetwork(text), undefined, text);
    }
  });
});

describe('evaluateCondition', () => {
  const holds = (operator: string, key: string, values: string[], context: Record<string, string | string[]>) =>
    evaluateCondition({ operator, key, values }, variables(context));

  it('compares encryption context values case-sensitively under a case-insensitive key', () => {
    const context = { 'kms:EncryptionContext:Purpose': 'Backup' };
    assert.equal(holds('StringEquals', 'kms:encryptioncontext:PURPOSE', ['Backup'], context), true);
    assert.equal(holds('StringEquals', 'kms:EncryptionContext:Purpose', ['backup'], context), false);
    assert.equal(holds('StringEqualsIgnoreCase', 'kms:EncryptionContext:Purpose', ['backup'], context), true);
  });

  it('reads an empty request list as an absent key', () => {
    assert.equal(holds('Null', 'aws:TagKeys', ['true'], { 'aws:TagKeys': [] }), true);
    assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': [] }), true);
    assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': [] }), false);
  });

  it('ANDs the conditions of a statement', () => {
    const context = variables({ 'aws:SourceIp': '192.0.2.1', 'aws:SecureTransport': 'true' });
    const ip = { operator: 'IpAddress', key: 'aws:SourceIp', values: ['192.0.2.0/24'] };
    const tls = { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] };
    const plain = { operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] };
    assert.equal(evaluateConditions([], context), true);
    assert.equal(evaluateConditions([ip, tls], context), true);
    assert.equal(evaluateConditions([ip, plain], context), false);
  });
});
