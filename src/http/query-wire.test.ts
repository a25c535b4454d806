import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GetUserCommand, IAMClient, ListUsersCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
// The SDK's own XML parser (a dependency of @aws-sdk/client-iam), used only here to read back what Trent writes.
import { parseXML } from '@aws-sdk/xml-builder';
import fc from 'fast-check';
import { QueryError, queryError } from '../errors/catalogue.js';
import { serviceVersions } from '../operations/query/definition.js';
import { parseQueryInput } from '../operations/query/input.js';
import { parseForm, sendQueryXml, toQueryErrorXml, toQueryXml } from './query-wire.js';

const IAM = serviceVersions.iam.namespace;
const STS = serviceVersions.sts.namespace;
const REQUEST_ID = '4a1b7e0c-3f5d-4c8e-9a26-0d2f6b8e1c75';

/** Any one code point. */
const codePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

const form = (text: string | Buffer) => parseForm(typeof text === 'string' ? Buffer.from(text) : text);

function formError(body: string | Buffer): string {
  try {
    form(body);
  } catch (error) {
    assert.ok(error instanceof QueryError, String(error));
    assert.equal(error.code, 'ValidationError');
    return error.message;
  }
  assert.fail('the body was accepted');
}

describe('parseForm', () => {
  it('decodes names and values: + is a space, %XX escapes UTF-8, raw UTF-8 and a leading BOM are kept', () => {
    const params = form(
      'Action=CreateUser&Version=2010-05-08&Path=%2Fa+b%2B%2F&Tags.member.1.Key=caf%C3%A9&V%61lue=%F0%9F%98%80=x&\uFEFFBom=日本',
    );
    assert.deepEqual(
      [...params],
      [
        ['Action', 'CreateUser'],
        ['Version', '2010-05-08'],
        ['Path', '/a b+/'],
        ['Tags.member.1.Key', 'café'],
        ['Value', '😀=x'],
        ['\uFEFFBom', '日本'],
      ],
    );
  });

  it('skips empty parts and reads a part without = as an empty value', () => {
    assert.deepEqual(
      [...form('&a&&b=&=c&')],
      [
        ['a', ''],
        ['b', ''],
        ['', 'c'],
      ],
    );
    assert.deepEqual(form('').size, 0);
  });

  const malformed: readonly [string, string | Buffer, string][] = [
    ['a lone %', 'a=%', 'a percent-encoding is invalid'],
    ['% without two hex digits', 'a=%4', 'a percent-encoding is invalid'],
    ['% with a non-hex digit', 'a%G1=b', 'a percent-encoding is invalid'],
    ['escaped bytes that are not UTF-8', 'a=%FF', 'a percent-encoding is invalid'],
    ['a truncated UTF-8 sequence', 'a=%C3', 'a percent-encoding is invalid'],
    ['an escaped surrogate', 'a=%ED%A0%80', 'a percent-encoding is invalid'],
    ['an overlong encoding', 'a=%C0%AF', 'a percent-encoding is invalid'],
    ['raw bytes that are not UTF-8', Buffer.from([0x61, 0x3d, 0xff]), 'it is not UTF-8'],
    ['a parameter named twice', 'a=1&b=2&a=1', "the parameter 'a' is given more than once"],
    ['a parameter named twice, once escaped', 'a=1&%61=2', "the parameter 'a' is given more than once"],
    [
      'a long parameter named twice, echoed cut',
      `${'n'.repeat(200)}&${'n'.repeat(200)}`,
      `the parameter '${'n'.repeat(128)}...' is given more than once`,
    ],
  ];
  for (const [name, body, reason] of malformed) {
    it(`refuses ${name} with a ValidationError`, () => {
      assert.equal(formError(body), `The request body is not a valid form: ${reason}`);
    });
  }

  it('reads back any parameters, however they are encoded', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('&', '=', '+', '%', ' ', '\uFEFF', '.'), codePoint) });
    const encodings = [
      (params: Map<string, string>) => new URLSearchParams([...params]).toString(),
      (params: Map<string, string>) =>
        [...params].map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&'),
    ];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(text, text), { selector: ([name]) => name }),
        fc.constantFrom(...encodings),
        (entries, encode) => {
          const params = new Map(entries);
          assert.deepEqual(form(encode(params)), params);
        },
      ),
    );
  });
});

describe('toQueryXml', () => {
  it('writes the response as AWS does: result members in order, lists as members, seconds-precision instants', () => {
    const xml = toQueryXml(
      'CreateUser',
      IAM,
      {
        User: {
          Path: '/',
          UserName: 'alice',
          UserId: 'AIDAEXAMPLE0000000001',
          Arn: 'arn:aws:iam::111122223333:user/alice',
          CreateDate: new Date('2026-12-05T23:14:28.731Z'),
          PasswordLastUsed: undefined,
          PermissionsBoundary: null,
          Tags: [
            { Key: 'team', Value: 'a&b' },
            { Key: 'empty', Value: '' },
          ],
        },
        IsTruncated: false,
        MaxSessionDuration: 3600,
      },
      REQUEST_ID,
    );
    assert.equal(
      xml,
      '<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>' +
        '<Path>/</Path><UserName>alice</UserName><UserId>AIDAEXAMPLE0000000001</UserId>' +
        '<Arn>arn:aws:iam::111122223333:user/alice</Arn><CreateDate>2026-12-05T23:14:28Z</CreateDate>' +
        '<Tags><member><Key>team</Key><Value>a&amp;b</Value></member><member><Key>empty</Key><Value></Value></member></Tags>' +
        '</User><IsTruncated>false</IsTruncated><MaxSessionDuration>3600</MaxSessionDuration></CreateUserResult>' +
        `<ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></CreateUserResponse>`,
    );
  });

  it('writes no result element for an operation without a result, and an empty one for an empty result', () => {
    assert.equal(
      toQueryXml('DeleteUser', IAM, undefined, REQUEST_ID),
      `<DeleteUserResponse xmlns="${IAM}"><ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></DeleteUserResponse>`,
    );
    assert.equal(
      toQueryXml('ListUsers', IAM, { Users: [] }, 'r'),
      `<ListUsersResponse xmlns="${IAM}"><ListUsersResult><Users></Users></ListUsersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>`,
    );
  });

  const escapes: readonly [string, string, string][] = [
    ['markup characters', `a&b<c>d"e'f]]>`, 'a&amp;b&lt;c&gt;d&quot;e&apos;f]]&gt;'],
    ['CR, which a parser would turn into LF', 'a\r\nb\rc', 'a&#13;\nb&#13;c'],
    ['tabs, line feeds and characters beyond the BMP, as they are', '\t\n😀\uFFFD', '\t\n😀\uFFFD'],
    [
      'characters XML 1.0 cannot carry, as U+FFFD',
      '\u0000\u0001\u000B\u000C\u001F\uD800x\uDC00\uFFFE\uFFFF',
      '\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDx\uFFFD\uFFFD\uFFFD',
    ],
  ];
  for (const [name, text, escaped] of escapes) {
    it(`escapes ${name}`, () => {
      assert.equal(
        toQueryXml('GetUser', IAM, { User: { UserName: text } }, 'r'),
        `<GetUserResponse xmlns="${IAM}"><GetUserResult><User><UserName>${escaped}</UserName></User></GetUserResult>` +
          '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>',
      );
    });
  }

  it('refuses what it cannot write rather than writing broken XML', () => {
    for (const result of [{ 'a b': 'x' }, { '<x>': 'x' }, { 1: 'x' }, { N: Number.NaN }, { N: 1n }, { N: () => 1 }]) {
      assert.throws(() => toQueryXml('GetUser', IAM, result, 'r'), Error, JSON.stringify(Object.keys(result)));
    }
    assert.throws(() => toQueryXml('Get User', IAM, undefined, 'r'));
  });

  /** XML 1.0's Char production. */
  const isXmlChar = (codePoint: number) =>
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    codePoint >= 0x10000;

  /** Any string, lone surrogates and markup included. */
  const anyText = fc.string({
    unit: fc.oneof(
      codePoint,
      fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '&amp;', '<![CDATA[', ']]>', '</UserName>', '&#1;'),
    ),
  });

  it('round-trips any string through the SDK parser, characters XML cannot carry read as U+FFFD', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseXML(toQueryXml('GetUser', IAM, { User: { UserName: text } }, REQUEST_ID));
        const carried = [...text].map((char) => (isXmlChar(char.codePointAt(0) ?? 0) ? char : '\uFFFD')).join('');
        // The SDK's parser reads whitespace-only text holding a line feed as an empty element, whoever wrote it.
        const expected = carried.trim() === '' && carried.includes('\n') ? '' : carried;
        assert.deepEqual(parsed, {
          GetUserResponse: {
            xmlns: IAM,
            GetUserResult: { User: { UserName: expected } },
            ResponseMetadata: { RequestId: REQUEST_ID },
          },
        });
      }),
    );
  });

  it('never lets a value open or close an element', () => {
    const markupOf = (xml: string) => xml.match(/<[^>]*>/g);
    const shapeOnly = markupOf(toQueryXml('GetUser', IAM, { User: { UserName: '', Arn: '' } }, REQUEST_ID));
    fc.assert(
      fc.property(anyText, anyText, (name, arn) => {
        const xml = toQueryXml('GetUser', IAM, { User: { UserName: name, Arn: arn } }, REQUEST_ID);
        assert.deepEqual(markupOf(xml), shapeOnly);
        assert.equal(xml.split('<').length, 15);
      }),
    );
  });
});

describe('toQueryErrorXml', () => {
  it('writes the error as AWS does, with Sender for the caller’s faults', () => {
    assert.equal(
      toQueryErrorXml(IAM, queryError('NoSuchEntity', 'The user with name <bob> cannot be found.'), REQUEST_ID),
      `<ErrorResponse xmlns="${IAM}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
        '<Message>The user with name &lt;bob&gt; cannot be found.</Message></Error>' +
        `<RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
    );
  });

  it('says Receiver for the server’s own failures', () => {
    assert.match(toQueryErrorXml(STS, queryError('InternalFailure', 'x'), 'r'), /<Type>Receiver<\/Type>/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real SDK clients against a server answering with sendQueryXml

interface Canned {
  readonly status: number;
  readonly xml: string;
}

describe('the AWS SDK reads what Trent writes', () => {
  let answer: Canned = { status: 200, xml: '' };
  let received: Map<string, string> = new Map();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received = parseForm(Buffer.concat(chunks));
    sendQueryXml(response, answer.status, REQUEST_ID, answer.xml);
  });
  let endpoint = '';
  const clientConfig = () => ({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEXAMPLE0000000000', secretAccessKey: 'x' },
  });

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends text/xml with its length and the request id', async () => {
    answer = { status: 200, xml: toQueryXml('DeleteUser', IAM, undefined, REQUEST_ID) };
    const response = await fetch(endpoint, { method: 'POST', body: 'Action=DeleteUser&UserName=b%C3%B8b' });
    assert.equal(response.headers.get('content-type'), 'text/xml');
    assert.equal(response.headers.get('x-amzn-requestid'), REQUEST_ID);
    assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(answer.xml)));
    assert.equal(await response.text(), answer.xml);
    assert.equal(received.get('UserName'), 'bøb');
  });

  it('GetUser: the SDK sends a form parseForm reads and sees every field of the result', async () => {
    const createDate = new Date('2026-12-05T23:14:28Z');
    answer = {
      status: 200,
      xml: toQueryXml(
        'GetUser',
        IAM,
        {
          User: {
            Path: '/ops/',
            UserName: 'alice',
            UserId: 'AIDAEXAMPLE0000000001',
            Arn: 'arn:aws:iam::111122223333:user/ops/alice',
            CreateDate: createDate,
            Tags: [{ Key: 'note', Value: `<b>&'"\r\n` }],
          },
        },
        REQUEST_ID,
      ),
    };
    const output = await new IAMClient(clientConfig()).send(new GetUserCommand({ UserName: 'alice' }));
    assert.deepEqual(Object.fromEntries(received), { Action: 'GetUser', Version: '2010-05-08', UserName: 'alice' });
    assert.deepEqual(output.User, {
      Path: '/ops/',
      UserName: 'alice',
      UserId: 'AIDAEXAMPLE0000000001',
      Arn: 'arn:aws:iam::111122223333:user/ops/alice',
      CreateDate: createDate,
      Tags: [{ Key: 'note', Value: `<b>&'"\r\n` }],
    });
    assert.equal(output.$metadata.httpStatusCode, 200);
    assert.equal(output.$metadata.requestId, REQUEST_ID);
  });

  it('TagUser: the tags the SDK sends come out of parseQueryInput as given, and an empty result is read', async () => {
    answer = { status: 200, xml: toQueryXml('TagUser', IAM, undefined, REQUEST_ID) };
    const tags = [
      { Key: 'cost center', Value: 'a+b=c/d:e@f' },
      { Key: 'café', Value: '' },
      { Key: '日本', Value: '١٢٣' },
    ];
    const output = await new IAMClient(clientConfig()).send(new TagUserCommand({ UserName: 'alice', Tags: tags }));
    const input = parseQueryInput(
      { UserName: { kind: 'string', required: true }, Tags: { kind: 'tags', required: true, max: 50 } },
      received,
    );
    assert.deepEqual(input, { UserName: 'alice', Tags: tags });
    assert.equal(output.$metadata.httpStatusCode, 200);
  });

  it('ListUsers: lists, empty lists and booleans', async () => {
    const users = ['a', 'b'].map((name) => ({
      Path: '/',
      UserName: name,
      UserId: `AIDAEXAMPLE000000000${name}`,
      Arn: `arn:aws:iam::111122223333:user/${name}`,
      CreateDate: new Date('2026-01-01T00:00:00Z'),
    }));
    answer = { status: 200, xml: toQueryXml('ListUsers', IAM, { Users: users, IsTruncated: false }, REQUEST_ID) };
    const client = new IAMClient(clientConfig());
    const output = await client.send(new ListUsersCommand({}));
    assert.deepEqual(output.Users, users);
    assert.equal(output.IsTruncated, false);

    answer = { status: 200, xml: toQueryXml('ListUsers', IAM, { Users: [], IsTruncated: true }, REQUEST_ID) };
    const empty = await client.send(new ListUsersCommand({}));
    assert.deepEqual(empty.Users, []);
    assert.equal(empty.IsTruncated, true);
  });

  it('AssumeRole (STS): nested results, instants and numbers', async () => {
    const expiration = new Date('2026-12-06T00:14:28Z');
    answer = {
      status: 200,
      xml: toQueryXml(
        'AssumeRole',
        STS,
        {
          Credentials: {
            AccessKeyId: 'ASIAEXAMPLE000000000',
            SecretAccessKey: 'secret/+=',
            SessionToken: 'token',
            Expiration: expiration,
          },
          AssumedRoleUser: {
            AssumedRoleId: 'AROAEXAMPLE000000000:s',
            Arn: 'arn:aws:sts::111122223333:assumed-role/r/s',
          },
          PackedPolicySize: 6,
        },
        REQUEST_ID,
      ),
    };
    const output = await new STSClient(clientConfig()).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111122223333:role/r',
        RoleSessionName: 's',
        DurationSeconds: 3600,
      }),
    );
    assert.equal(received.get('Version'), '2011-06-15');
    assert.equal(received.get('DurationSeconds'), '3600');
    assert.deepEqual(output.Credentials, {
      AccessKeyId: 'ASIAEXAMPLE000000000',
      SecretAccessKey: 'secret/+=',
      SessionToken: 'token',
      Expiration: expiration,
    });
    assert.equal(output.AssumedRoleUser?.Arn, 'arn:aws:sts::111122223333:assumed-role/r/s');
    assert.equal(output.PackedPolicySize, 6);
  });

  const errors: readonly { error: QueryError; name: string; fault: 'client' | 'server' }[] = [
    {
      error: queryError('NoSuchEntity', 'The user with name bob cannot be found.'),
      name: 'NoSuchEntityException',
      fault: 'client',
    },
    {
      error: queryError('ValidationError', "1 validation error detected: Value 'a&b' at 'userName' failed …"),
      name: 'ValidationError',
      fault: 'client',
    },
    { error: queryError('ServiceFailure', 'Failed <badly>.'), name: 'ServiceFailureException', fault: 'server' },
  ];
  for (const { error, name, fault } of errors) {
    it(`errors: ${error.code} reaches the SDK as ${name} with its message and status`, async () => {
      answer = { status: error.status, xml: toQueryErrorXml(IAM, error, REQUEST_ID) };
      const thrown = await new IAMClient(clientConfig()).send(new GetUserCommand({})).then(
        () => assert.fail('the call succeeded'),
        (reason: unknown) =>
          reason as Error & { $metadata: { httpStatusCode?: number; requestId?: string }; $fault: string },
      );
      assert.equal(thrown.name, name);
      assert.equal(thrown.message, error.message);
      assert.equal(thrown.$fault, fault);
      assert.equal(thrown.$metadata.httpStatusCode, error.status);
      assert.equal(thrown.$metadata.requestId, REQUEST_ID);
    });
  }
});
