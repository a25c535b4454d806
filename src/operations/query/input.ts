/**
 * awsQuery request parameters (form fields such as `UserName=alice`, `Tags.member.1.Key=team`) turned into a
 * typed input and validated against the operation's shape, worded as AWS's query services word it.
 *
 * The phrases, the violation list (at most ten listed, long values cut, sensitive values never echoed) and the
 * string checks are the KMS validator's (operations/validate.ts): AWS's query and JSON services share them.
 * Lists are `Name.member.N` with N = 1, 2, … without gaps: a missing item reads as a null member.
 */
import { queryError } from '../../errors/catalogue.js';
import { bounds, collectionConstraint, lowerCamel, phrase, stringRule, Violations } from '../validate.js';

/** Constraints as the service model states them; `pattern` is the model's (Java) regular expression. */
export type MemberShape =
  | {
      readonly kind: 'string';
      readonly required?: boolean;
      readonly min?: number;
      readonly max?: number;
      readonly pattern?: string;
      readonly enum?: readonly string[];
      /** Never echoed in a validation message (policy documents, secrets). */
      readonly sensitive?: boolean;
    }
  | { readonly kind: 'integer'; readonly required?: boolean; readonly min?: number; readonly max?: number }
  | { readonly kind: 'boolean'; readonly required?: boolean }
  /** `Name.member.N.Key` / `Name.member.N.Value`, N from 1: IAM and STS tags (key 1–128, value 0–256 characters). */
  | { readonly kind: 'tags'; readonly required?: boolean; readonly max?: number }
  /** `Name.member.N`, N from 1. */
  | {
      readonly kind: 'stringList';
      readonly required?: boolean;
      readonly max?: number;
      readonly itemMin?: number;
      readonly itemMax?: number;
      readonly itemPattern?: string;
    }
  /** A member of the AWS API that Trent does not implement: its presence is refused, never ignored. */
  | { readonly kind: 'unsupported'; readonly reason: string };

/** Members by their wire name (`UserName`). */
export type InputShape = Readonly<Record<string, MemberShape>>;

export interface InputTag {
  readonly Key: string;
  readonly Value: string;
}

/** Validated input by member name: string, number, boolean, InputTag[] or string[]; absent members are left out. */
export type QueryInput = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------------------------------------------
// Reading and validating

/** The SDKs number list items from 1; an index past this is refused before anything is built for it. */
const MAX_LIST_INDEX = 1000;
const LIST_INDEX = /^[1-9]\d{0,3}$/;

/** Java's int, what the model's integers are: digits beyond it are not a number AWS can read. */
const JAVA_INT_MIN = -(2 ** 31);
const JAVA_INT_MAX = 2 ** 31 - 1;
const INTEGER_TEXT = /^-?\d{1,10}$/;

const NOT_A_NUMBER = 'Member must be a number';
const NOT_A_BOOLEAN = 'Member must be a boolean';

/**
 * IAM's and STS's tag key and value, with the patterns as the model writes them (and AWS echoes them). Not
 * translated by javaPatternToRegExp, which refuses `\p{..}`: these patterns read the same as JavaScript `u`
 * expressions, whose Unicode categories L, Z and N are Java's.
 */
const tagParts = {
  Key: tagPart('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+', { min: 1, max: 128 }),
  Value: tagPart('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', { max: 256 }),
};

function tagPart(pattern: string, length: { readonly min?: number; readonly max: number }) {
  return { pattern, regExp: new RegExp(`^(?:${pattern})$`, 'u'), length: bounds(length, 'length') };
}

type StringMember = Extract<MemberShape, { kind: 'string' }>;
type StringListMember = Extract<MemberShape, { kind: 'stringList' }>;
type StringRule = ReturnType<typeof stringRule>;

/** A shape's rule is compiled once (its pattern translated once): shapes are the operations' constant objects. */
const compiledRules = new WeakMap<object, StringRule>();

function ruleOf(member: object, compile: () => StringRule): StringRule {
  let rule = compiledRules.get(member);
  if (rule === undefined) {
    rule = compile();
    compiledRules.set(member, rule);
  }
  return rule;
}

const stringRuleOf = (member: StringMember): StringRule =>
  ruleOf(member, () =>
    stringRule({ type: 'string', min: member.min, max: member.max, pattern: member.pattern, enum: member.enum }),
  );

const itemRuleOf = (member: StringListMember): StringRule =>
  ruleOf(member, () =>
    stringRule({ type: 'string', min: member.itemMin, max: member.itemMax, pattern: member.itemPattern }),
  );

/**
 * One member being read: its wire name (`UserName`), its path in messages (`userName`) and the request. A reader
 * returns undefined only for an absent member; what it returns for a value that breaks a constraint reaches no
 * handler, since any violation refuses the request.
 */
interface Reading {
  readonly name: string;
  readonly path: string;
  readonly params: ReadonlyMap<string, string>;
  readonly found: Violations;
}

function readString(member: StringMember, { name, path, params, found }: Reading): string | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  const broken: string[] = [];
  stringRuleOf(member).read(value, broken);
  found.addEach(value, member.sensitive === true, path, broken);
  return value;
}

function readInteger(
  member: Extract<MemberShape, { kind: 'integer' }>,
  { name, path, params, found }: Reading,
): number | string | undefined {
  const text = params.get(name);
  if (text === undefined) return undefined;
  const value = Number(text) + 0; // + 0 turns -0 into 0
  if (!INTEGER_TEXT.test(text) || value < JAVA_INT_MIN || value > JAVA_INT_MAX) {
    found.add(text, false, path, NOT_A_NUMBER);
    return text;
  }
  const broken: string[] = [];
  bounds(member, 'value').check(value, broken);
  found.addEach(text, false, path, broken);
  return value;
}

function readBoolean({ name, path, params, found }: Reading): boolean | string | undefined {
  const text = params.get(name);
  if (text === undefined) return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  found.add(text, false, path, NOT_A_BOOLEAN);
  return text;
}

/**
 * The items of list `name`, `Name.member.N` (field '') or `Name.member.N.Field`, by index; fields other than
 * `fields` are ignored. A bare `Name` (how the SDKs send an empty list) with no items is the empty list; undefined
 * when the list is absent.
 */
function listItems(
  name: string,
  params: ReadonlyMap<string, string>,
  fields: readonly string[],
): Map<number, Map<string, string>> | undefined {
  const prefix = `${name}.member.`;
  const items = new Map<number, Map<string, string>>();
  for (const [param, value] of params) {
    if (!param.startsWith(prefix)) continue;
    const rest = param.slice(prefix.length);
    const dot = rest.indexOf('.');
    const field = dot === -1 ? '' : rest.slice(dot + 1);
    if (!fields.includes(field)) continue;
    const index = dot === -1 ? rest : rest.slice(0, dot);
    if (!LIST_INDEX.test(index) || Number(index) > MAX_LIST_INDEX) {
      throw queryError('ValidationError', `List indexes of '${name}' must run from 1 to at most ${MAX_LIST_INDEX}`);
    }
    const item = items.get(Number(index)) ?? new Map<string, string>();
    item.set(field, value);
    items.set(Number(index), item);
  }
  return items.size === 0 && !params.has(name) ? undefined : items;
}

/**
 * Reads list `name` item by item, in index order: a missing index is a null member, and the list is as long as
 * its highest index says. Undefined when the list is absent.
 */
function readList<Item>(
  { name, path, params, found }: Reading,
  fields: readonly string[],
  max: number | undefined,
  readItem: (item: ReadonlyMap<string, string>, itemPath: string) => Item | undefined,
): Item[] | undefined {
  const items = listItems(name, params, fields);
  if (items === undefined) return undefined;
  const length = Math.max(0, ...items.keys());
  const list: Item[] = [];
  for (let index = 1; index <= length; index++) {
    const item = items.get(index);
    const itemPath = `${path}.${index}.member`;
    if (item === undefined) {
      found.add(null, false, itemPath, phrase.notNull);
      continue;
    }
    const value = readItem(item, itemPath);
    if (value !== undefined) list.push(value);
  }
  const broken: string[] = [];
  bounds({ max }, 'length').check(length, broken);
  found.addEach(list, false, path, broken);
  return list;
}

function readTags(member: Extract<MemberShape, { kind: 'tags' }>, reading: Reading): InputTag[] | undefined {
  return readList(reading, ['Key', 'Value'], member.max, (item, itemPath) => {
    const Key = readTagPart(item, 'Key', itemPath, reading.found);
    const Value = readTagPart(item, 'Value', itemPath, reading.found);
    return Key === undefined || Value === undefined ? undefined : { Key, Value };
  });
}

function readTagPart(
  item: ReadonlyMap<string, string>,
  part: keyof typeof tagParts,
  itemPath: string,
  found: Violations,
): string | undefined {
  const value = item.get(part);
  const path = `${itemPath}.${lowerCamel(part)}`;
  if (value === undefined) {
    found.add(null, false, path, phrase.notNull);
    return undefined;
  }
  const { regExp, pattern, length } = tagParts[part];
  const broken: string[] = [];
  // As for every string: AWS reports a pattern violation before a length violation of the same value.
  if (!regExp.test(value)) broken.push(phrase.pattern(pattern));
  length.check(value.length, broken);
  found.addEach(value, false, path, broken);
  return value;
}

/** Items breaking their constraints are reported once, for the whole list, as AWS reports a list of strings. */
function readStringList(member: StringListMember, reading: Reading): string[] | undefined {
  const rule = itemRuleOf(member);
  const itemsBroken: string[] = [];
  const list = readList(reading, [''], member.max, (item) => item.get(''));
  if (list === undefined) return undefined;
  for (const value of list) rule.read(value, itemsBroken);
  const itemConstraint = collectionConstraint('Member', rule);
  if (itemConstraint !== undefined && itemsBroken.length > 0) {
    reading.found.add(list, false, reading.path, itemConstraint);
  }
  return list;
}

function readMember(member: Exclude<MemberShape, { kind: 'unsupported' }>, reading: Reading): unknown {
  switch (member.kind) {
    case 'string':
      return readString(member, reading);
    case 'integer':
      return readInteger(member, reading);
    case 'boolean':
      return readBoolean(reading);
    case 'tags':
      return readTags(member, reading);
    case 'stringList':
      return readStringList(member, reading);
  }
}

const namesMember = (name: string, params: ReadonlyMap<string, string>): boolean =>
  params.has(name) || [...params.keys()].some((param) => param.startsWith(`${name}.`));

/**
 * The operation's input from the request's form parameters (already percent-decoded), validated against `shape`.
 * Every constraint violation is collected into one ValidationError, as AWS reports them; a member Trent does not
 * implement is refused first, with its reason. Parameters no member names (`Action`, `Version`, anything unknown)
 * are ignored, as AWS ignores them.
 */
export function parseQueryInput(shape: InputShape, params: ReadonlyMap<string, string>): QueryInput {
  for (const [name, member] of Object.entries(shape)) {
    if (member.kind === 'unsupported' && namesMember(name, params)) throw queryError('ValidationError', member.reason);
  }
  const found = new Violations();
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape)) {
    if (member.kind === 'unsupported') continue;
    const path = lowerCamel(name);
    const value = readMember(member, { name, path, params, found });
    if (value !== undefined) input[name] = value;
    else if (member.required === true) found.add(null, false, path, phrase.notNull);
  }
  if (found.count > 0) throw queryError('ValidationError', found.message());
  return input;
}
