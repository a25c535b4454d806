import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorStatus, KmsError, kmsError, QueryError, queryError, queryErrorStatus } from './catalogue.js';

const modeledErrorsUrl = new URL('../../../shared/aws-models/kms-errors.json', import.meta.url);
const noModel = existsSync(modeledErrorsUrl)
  ? false
  : 'needs ../shared/aws-models/kms-errors.json beside the repository';
const errorsDocUrl = new URL('../../docs/errors.md', import.meta.url);

/** The headings of docs/errors.md under which each catalogue is listed. */
const KMS_HEADING = 'KMS errors';
const QUERY_HEADING = 'IAM and STS errors';

interface DocumentedError {
  readonly type: string;
  readonly status: number;
  readonly when: string;
}

/**
 * The rows of the catalogue tables, | `Type` | status | when |, grouped by the `## ` heading above them
 * ('' for rows before any heading), so that the KMS table and the IAM/STS table are read apart.
 */
function documentedErrors(markdown: string): Map<string, DocumentedError[]> {
  const row = /^\|\s*`([A-Za-z]+)`\s*\|\s*(\d{3})\s*\|(.*)\|\s*$/;
  const heading = /^##\s+(.+?)\s*$/;
  const sections = new Map<string, DocumentedError[]>();
  let section = '';
  for (const line of markdown.split('\n')) {
    const title = heading.exec(line);
    if (title) {
      section = title[1] as string;
      continue;
    }
    const match = row.exec(line);
    if (!match) continue;
    const [, type = '', status = '', when = ''] = match;
    sections.set(section, [...(sections.get(section) ?? []), { type, status: Number(status), when: when.trim() }]);
  }
  return sections;
}

function modeledStatuses(): Map<string, unknown> {
  const model = JSON.parse(readFileSync(modeledErrorsUrl, 'utf8')) as Record<string, { status?: unknown }>;
  return new Map(Object.entries(model).map(([type, entry]) => [type, entry.status]));
}

describe('error catalogue', () => {
  it('holds every error the KMS model declares, with the same status', { skip: noModel }, () => {
    const modeled = modeledStatuses();
    assert.ok(modeled.size > 0, 'the model lists errors');
    const catalogued: Record<string, number> = errorStatus;
    for (const [type, status] of modeled) {
      assert.ok(Object.hasOwn(catalogued, type), `${type} is missing from the catalogue`);
      assert.equal(catalogued[type], status, `${type}: the catalogue's status differs from the model's`);
    }
  });

  it('gives a KmsError the status and type of its catalogue entry', () => {
    const error = kmsError('RequestEntityTooLargeException', 'too big');
    assert.ok(error instanceof KmsError);
    assert.equal(error.status, 413);
    assert.equal(error.type, 'RequestEntityTooLargeException');
    assert.equal(error.clientMessage, 'too big');
    assert.equal(kmsError('InvalidCiphertextException').clientMessage, undefined);
  });

  it('gives a QueryError the status of its code, and blames the sender below 500', () => {
    const error = queryError('NoSuchEntity', 'The user with name bob cannot be found.');
    assert.ok(error instanceof QueryError);
    assert.equal(error.status, 404);
    assert.equal(error.fault, 'Sender');
    assert.equal(queryError('InternalFailure', 'boom').fault, 'Receiver');
  });
});

describe('docs/errors.md', () => {
  const sections = documentedErrors(readFileSync(errorsDocUrl, 'utf8'));
  const catalogues = [
    { heading: KMS_HEADING, statuses: errorStatus as Record<string, number> },
    { heading: QUERY_HEADING, statuses: queryErrorStatus as Record<string, number> },
  ];

  it('has error rows only under the two catalogue headings', () => {
    assert.deepEqual([...sections.keys()].sort(), [KMS_HEADING, QUERY_HEADING].sort());
  });

  for (const { heading, statuses } of catalogues) {
    const documented = sections.get(heading) ?? [];

    it(`"${heading}" lists every catalogue type exactly once, and nothing else`, () => {
      const types = documented.map((entry) => entry.type);
      assert.deepEqual(
        types.filter((type, index) => types.indexOf(type) !== index),
        [],
        'types listed twice',
      );
      assert.deepEqual([...types].sort(), Object.keys(statuses).sort());
    });

    it(`"${heading}" gives each type the catalogue's status`, () => {
      for (const { type, status } of documented) assert.equal(status, statuses[type], type);
    });

    it(`"${heading}" says when each error is returned (or that it is not returned yet)`, () => {
      for (const { type, when } of documented) assert.ok(when.length > 0, `${type} has no description`);
    });
  }

  it('reads the table rows under their headings and ignores other lines', () => {
    const sample = [
      '# Title',
      '| `Stray` | 400 | Before any section. |',
      '## KMS errors',
      '| type | status | when |',
      '|---|---|---|',
      '| `ThrottlingException` | 400 | Never. |',
      '## IAM and STS errors',
      'Some prose naming `AccessDenied`.',
      '| `AccessDenied` | 403 | Denied. |',
    ];
    assert.deepEqual(
      documentedErrors(sample.join('\n')),
      new Map([
        ['', [{ type: 'Stray', status: 400, when: 'Before any section.' }]],
        [KMS_HEADING, [{ type: 'ThrottlingException', status: 400, when: 'Never.' }]],
        [QUERY_HEADING, [{ type: 'AccessDenied', status: 403, when: 'Denied.' }]],
      ]),
    );
  });
});
