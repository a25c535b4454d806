import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorStatus, KmsError, kmsError } from './catalogue.js';

const modeledErrorsUrl = new URL('../../../shared/aws-models/kms-errors.json', import.meta.url);
const noModel = existsSync(modeledErrorsUrl)
  ? false
  : 'needs ../shared/aws-models/kms-errors.json beside the repository';
const errorsDocUrl = new URL('../../docs/errors.md', import.meta.url);

interface DocumentedError {
  readonly type: string;
  readonly status: number;
  readonly when: string;
}

/** The rows of the catalogue table: | `Type` | status | when |. */
function documentedErrors(markdown: string): DocumentedError[] {
  const row = /^\|\s*`([A-Za-z]+)`\s*\|\s*(\d{3})\s*\|(.*)\|\s*$/;
  return markdown.split('\n').flatMap((line) => {
    const match = row.exec(line);
    if (!match) return [];
    const [, type = '', status = '', when = ''] = match;
    return [{ type, status: Number(status), when: when.trim() }];
  });
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
});

describe('docs/errors.md', () => {
  const documented = documentedErrors(readFileSync(errorsDocUrl, 'utf8'));

  it('lists every catalogue type exactly once, and nothing else', () => {
    const types = documented.map((entry) => entry.type);
    assert.deepEqual(
      types.filter((type, index) => types.indexOf(type) !== index),
      [],
      'types listed twice',
    );
    assert.deepEqual([...types].sort(), Object.keys(errorStatus).sort());
  });

  it("gives each type the catalogue's status", () => {
    const catalogued: Record<string, number> = errorStatus;
    for (const { type, status } of documented) assert.equal(status, catalogued[type], type);
  });

  it('says when each error is returned (or that it is not returned yet)', () => {
    for (const { type, when } of documented) assert.ok(when.length > 0, `${type} has no description`);
  });

  it('reads the table rows and ignores other lines', () => {
    const sample = ['# Title', '| type | status | when |', '|---|---|---|', '| `ThrottlingException` | 400 | Never. |'];
    assert.deepEqual(documentedErrors(sample.join('\n')), [
      { type: 'ThrottlingException', status: 400, when: 'Never.' },
    ]);
  });
});
