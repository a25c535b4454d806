/**
 * Writes src/operations/generated/kms-shapes.ts from botocore's AWS KMS service model
 * (../shared/aws-models/kms-2014-11-01.json beside the repository). The model is not part of a user's clone,
 * so its facts are committed as a TypeScript module; a test regenerates it in memory to keep the two in step.
 *
 * Usage: npx tsx scripts/gen-shapes.ts   (or npm run gen:shapes)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The subset of botocore's JSON model this generator reads. */
interface BotocoreShape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
  sensitive?: boolean;
}

export interface BotocoreModel {
  metadata: { uid: string };
  operations: Record<string, { name: string; input?: { shape: string }; output?: { shape: string } }>;
  shapes: Record<string, BotocoreShape>;
}

export const modelUrl = new URL('../../shared/aws-models/kms-2014-11-01.json', import.meta.url);
export const outputUrl = new URL('../src/operations/generated/kms-shapes.ts', import.meta.url);

export function readModel(url: URL = modelUrl): BotocoreModel {
  return JSON.parse(readFileSync(url, 'utf8')) as BotocoreModel;
}

const sortedKeys = (record: object): string[] => Object.keys(record).sort();

function shapeOf(model: BotocoreModel, name: string): BotocoreShape {
  const shape = model.shapes[name];
  if (shape === undefined) throw new Error(`the model names shape ${name} but does not define it`);
  return shape;
}

/** Shapes that a shape refers to: structure members, list members, map keys and values. */
function referencedShapes(shape: BotocoreShape): string[] {
  const refs = Object.values(shape.members ?? {}).map((member) => member.shape);
  for (const ref of [shape.member, shape.key, shape.value]) if (ref !== undefined) refs.push(ref.shape);
  return refs;
}

/** Every shape reachable from some operation's input, sorted by name. */
export function inputShapeNames(model: BotocoreModel): string[] {
  const seen = new Set<string>();
  const pending = Object.values(model.operations).flatMap((op) => (op.input ? [op.input.shape] : []));
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...referencedShapes(shapeOf(model, name)));
  }
  return [...seen].sort();
}

const identifier = /^[A-Za-z_$][\w$]*$/;
const key = (name: string): string => (identifier.test(name) ? name : JSON.stringify(name));
const literal = (value: unknown): string => JSON.stringify(value);

/** One shape as a TypeScript object literal, fields in a fixed order. Enum values keep the model's order. */
function describeShape(name: string, shape: BotocoreShape): string {
  const fields = [`type: ${literal(shape.type)}`];
  switch (shape.type) {
    case 'structure': {
      const members = shape.members ?? {};
      const entries = sortedKeys(members).map((member) => `${key(member)}: ${literal(members[member]?.shape)}`);
      fields.push(`members: { ${entries.join(', ')} }`);
      if (shape.required?.length) fields.push(`required: ${literal([...shape.required].sort())}`);
      break;
    }
    case 'list':
      fields.push(`member: ${literal(shape.member?.shape)}`);
      break;
    case 'map':
      fields.push(`key: ${literal(shape.key?.shape)}`, `value: ${literal(shape.value?.shape)}`);
      break;
    case 'string':
    case 'integer':
    case 'long':
    case 'blob':
    case 'boolean':
    case 'timestamp':
      break;
    default:
      throw new Error(`shape ${name} has type ${shape.type}, which the generator does not describe`);
  }
  if (shape.min !== undefined) fields.push(`min: ${shape.min}`);
  if (shape.max !== undefined) fields.push(`max: ${shape.max}`);
  if (shape.enum !== undefined) fields.push(`enum: ${literal(shape.enum)}`);
  if (shape.pattern !== undefined) fields.push(`pattern: ${literal(shape.pattern)}`);
  if (shape.sensitive) fields.push('sensitive: true');
  return `  ${key(name)}: { ${fields.join(', ')} },`;
}

const union = (names: string[]): string => names.map((name) => `  | ${literal(name)}`).join('\n');

const header = (
  uid: string,
) => `// GENERATED FILE: do not edit. Written by scripts/gen-shapes.ts (npm run gen:shapes) from botocore's
// AWS KMS service model ${uid} (Apache License 2.0), which ../shared/aws-models/ holds beside the repository.
// A test regenerates this file in memory and fails when the two differ.
`;

const shapeTypes = `/**
 * One AWS shape as the KMS model describes it. Lengths count UTF-16 code units for strings, elements for lists
 * and maps, and decoded bytes for blobs; \`pattern\` is a Java regular expression that must match the whole value.
 */
export type Shape =
  | { readonly type: 'structure'; readonly members: Readonly<Record<string, ShapeName>>; readonly required?: readonly string[] }
  | { readonly type: 'list'; readonly member: ShapeName; readonly min?: number; readonly max?: number }
  | { readonly type: 'map'; readonly key: ShapeName; readonly value: ShapeName; readonly min?: number; readonly max?: number }
  | {
      readonly type: 'string';
      readonly min?: number;
      readonly max?: number;
      readonly enum?: readonly string[];
      readonly pattern?: string;
      readonly sensitive?: true;
    }
  | { readonly type: 'integer' | 'long'; readonly min?: number; readonly max?: number }
  | { readonly type: 'blob'; readonly min?: number; readonly max?: number; readonly sensitive?: true }
  | { readonly type: 'boolean' }
  | { readonly type: 'timestamp' };
`;

/** The whole module text; deterministic for a given model. */
export function generateShapesModule(model: BotocoreModel): string {
  const operations = sortedKeys(model.operations);
  const shapeNames = inputShapeNames(model);
  const byOperation = (pick: (op: string) => string | null) =>
    operations.map((op) => `  ${key(op)}: ${literal(pick(op))},`).join('\n');
  const operation = (op: string) => model.operations[op] ?? { name: op };
  const inputOf = (op: string) => {
    const input = operation(op).input;
    if (input === undefined) throw new Error(`operation ${op} has no input shape`);
    return input.shape;
  };
  return `${header(model.metadata.uid)}
${shapeTypes}
export type OperationName =
${union(operations)};

export type ShapeName =
${union(shapeNames)};

export const operationNames: readonly OperationName[] = ${literal(operations)};

export const operationInputShape: Readonly<Record<OperationName, ShapeName>> = {
${byOperation(inputOf)}
};

/** For reference only: output shapes are not described here. */
export const operationOutputShape: Readonly<Record<OperationName, string | null>> = {
${byOperation((op) => operation(op).output?.shape ?? null)}
};

export const shapes: Readonly<Record<ShapeName, Shape>> = {
${shapeNames.map((name) => describeShape(name, shapeOf(model, name))).join('\n')}
};
`;
}

function main(): void {
  writeFileSync(outputUrl, generateShapesModule(readModel()));
  process.stdout.write(`wrote ${fileURLToPath(outputUrl)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
