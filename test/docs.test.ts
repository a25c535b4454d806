import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { operationNames } from '../src/operations/generated/kms-shapes.js';
import { operations } from '../src/operations/registry.js';

const compatibilityUrl = new URL('../docs/compatibility.md', import.meta.url);

type Status = 'supported' | 'not yet';

interface DocumentedOperation {
  readonly name: string;
  readonly status: Status;
}

/** The rows of the operations table: | `Name` | **supported** or **not yet** | notes |. */
function documentedOperations(markdown: string): DocumentedOperation[] {
  const row = /^\|\s*`([A-Za-z]+)`\s*\|\s*\*\*(supported|not yet)\*\*\s*\|/;
  return markdown.split('\n').flatMap((line) => {
    const match = row.exec(line);
    return match ? [{ name: match[1] as string, status: match[2] as Status }] : [];
  });
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('docs/compatibility.md', () => {
  const documented = documentedOperations(readFileSync(compatibilityUrl, 'utf8'));
  const names = documented.map((operation) => operation.name);

  it('lists the 54 operations of the KMS model, each once', () => {
    // operationNames is generated from the model; validate.test.ts checks it against ../shared when present.
    assert.equal(operationNames.length, 54);
    assert.deepEqual(
      names.filter((name, index) => names.indexOf(name) !== index),
      [],
      'operations listed twice',
    );
    assert.deepEqual(sorted(names), sorted(operationNames));
  });

  it('marks supported exactly the operations the registry serves', () => {
    const supported = documented.filter((operation) => operation.status === 'supported').map(({ name }) => name);
    assert.deepEqual(sorted(supported), sorted(operations.keys()));
  });

  it('reads the table rows and ignores other lines', () => {
    const sample = [
      '| operation | status | notes |',
      '|---|---|---|',
      '| `Encrypt` | **supported** | |',
      '| `Sign` | **not yet** | asymmetric keys |',
      'The `Decrypt` operation is **supported**.',
    ];
    assert.deepEqual(documentedOperations(sample.join('\n')), [
      { name: 'Encrypt', status: 'supported' },
      { name: 'Sign', status: 'not yet' },
    ]);
  });
});
