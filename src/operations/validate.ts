/**
 * Request validation from the AWS KMS model, worded as AWS's request framework (Coral, awsJson1_1) words it.
 *
 * Two stages, as in AWS:
 * 1. Deserialization: a JSON value of the wrong kind for its shape is a SerializationException, thrown at the
 *    first one found (it wins over any constraint violation elsewhere in the body).
 * 2. Validation: every constraint violation is collected and reported together as one ValidationException,
 *    `N validation error(s) detected: <violation>; <violation>`, where each violation reads
 *    `Value 'x' at 'path' failed to satisfy constraint: <phrase>`.
 *
 * Paths name members in lowerCamelCase (`keyId`); a structure inside a list is `tags.1.member.tagKey` (1-based).
 * Constraints on scalar list elements and map entries are reported once for the whole list or map, listing every
 * constraint of the element shape: `Member must satisfy constraint: [...]`, `Map keys must satisfy constraint:
 * [...]`, `Map value must satisfy constraint: [...]`.
 *
 * JSON null is an absent member; null list elements are dropped (as AWS does). A null map value is refused
 * (`Map value must satisfy constraint: [... Member must not be null]`) rather than dropped, so that an
 * encryption context never silently loses a pair. Unknown members are ignored and left out of the result.
 *
 * The value is never echoed for a sensitive shape, or for a list, map or structure holding one: the violation
 * then reads `Value at 'plaintext' ...`, as AWS words it. Other blobs print as Java prints a ByteBuffer, never
 * their bytes. At most ten violations are listed (the count still says how many there were) and an echoed value
 * is cut after 1024 characters, to keep error responses small.
 */
import { type KmsError, kmsError } from '../errors/catalogue.js';
import { type OperationName, operationInputShape, type Shape, type ShapeName, shapes } from './generated/kms-shapes.js';

const MAX_LISTED_VIOLATIONS = 10;
const MAX_ECHOED_CHARS = 1024;

// ---------------------------------------------------------------------------------------------------------------
// Deserialization errors

const START_OF_LIST = 'Start of list found where not expected';
const START_OF_MAP = 'Start of structure or map found where not expected.';

const serialization = (message?: string): KmsError => kmsError('SerializationException', message);

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error for a JSON value that is not of the scalar type named by `target` ('a String', 'an Integer' …). */
function notConvertible(json: unknown, target: string): KmsError {
  if (Array.isArray(json)) return serialization(START_OF_LIST);
  switch (typeof json) {
    case 'string':
      return serialization(`STRING_VALUE can not be converted to ${target}`);
    case 'number':
      return serialization(`NUMBER_VALUE can not be converted to ${target}`);
    case 'boolean':
      return serialization(`${json ? 'TRUE' : 'FALSE'}_VALUE can not be converted to ${target}`);
    default:
      return serialization(START_OF_MAP);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Constraint phrases

export const phrase = {
  notNull: 'Member must not be null',
  minLength: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxLength: (n: number) => `Member must have length less than or equal to ${n}`,
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  enumSet: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`,
  pattern: (javaPattern: string) => `Member must satisfy regular expression pattern: ${javaPattern}`,
} as const;

interface Bounds {
  /** As AWS lists them inside `[...]`: the upper bound first. */
  readonly phrases: readonly string[];
  check(measure: number, broken: string[]): void;
}

export function bounds(shape: { readonly min?: number; readonly max?: number }, of: 'length' | 'value'): Bounds {
  const { min, max } = shape;
  const minPhrase = min === undefined ? undefined : (of === 'length' ? phrase.minLength : phrase.minValue)(min);
  const maxPhrase = max === undefined ? undefined : (of === 'length' ? phrase.maxLength : phrase.maxValue)(max);
  return {
    phrases: [maxPhrase, minPhrase].filter((p) => p !== undefined),
    check(measure, broken) {
      if (minPhrase !== undefined && measure < (min ?? 0)) broken.push(minPhrase);
      if (maxPhrase !== undefined && measure > (max ?? 0)) broken.push(maxPhrase);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Java regular expressions from the model, translated once to JavaScript

/** Java's `\s`: ASCII whitespace only (JavaScript's also matches Unicode spaces). */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';
/** Java's `.` without DOTALL: anything but a line terminator (JavaScript's lacks U+0085). */
const JAVA_DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';
/** Escapes that mean the same in Java and in a JavaScript `u` regular expression. */
const SAME_ESCAPE = /^(?:[wWdD.\\/\-*+?()[\]{}|^$]|u[0-9A-Fa-f]{4})/;

/**
 * A Java pattern as a JavaScript RegExp that must match the whole value, as Java's `Pattern.matches` does
 * (AWS rejects 'é' for `[\w+=,.@-]*`). Covers the constructs the KMS model uses, with the `u` flag so that
 * matching is by code point as in Java; anything it cannot translate exactly (`\p{..}`, possessive quantifiers,
 * class intersections and nested classes) throws, so that a new model fails its tests instead of validating
 * differently.
 */
export function javaPatternToRegExp(javaPattern: string): RegExp {
  const unsupported = (what: string) => new Error(`unsupported ${what} in Java pattern ${javaPattern}`);
  let source = '';
  let inClass = false;
  let afterQuantifier = false;
  for (let i = 0; i < javaPattern.length; i++) {
    const char = javaPattern[i] as string;
    if (char === '\\') {
      const rest = javaPattern.slice(i + 1);
      const escaped = rest.startsWith('s') ? 's' : SAME_ESCAPE.exec(rest)?.[0];
      if (escaped === undefined) throw unsupported(`escape \\${rest.slice(0, 1)}`);
      source += escaped === 's' ? (inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`) : `\\${escaped}`;
      i += escaped.length;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (char === '[' || (char === '&' && javaPattern[i + 1] === '&')) throw unsupported('nested class');
      inClass = char !== ']';
      source += char;
      continue;
    }
    if (char === '+' && afterQuantifier) throw unsupported('possessive quantifier');
    afterQuantifier = char === '*' || char === '+' || char === '?' || char === '}';
    inClass = char === '[';
    source += char === '.' ? JAVA_DOT : char;
  }
  return new RegExp(`^(?:${source})$`, 'u');
}

// ---------------------------------------------------------------------------------------------------------------
// Base64 (blobs)

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const invalidBase64 = (reason: string) =>
  serialization(`Base64 encoded value can not be converted to a Blob: ${reason}`);

/**
 * Standard base64, padded or not. Rejected: other characters (whitespace, the URL-safe alphabet), impossible
 * lengths, and a last character with bits set beyond the data, so that one blob has exactly one encoding.
 */
function decodeBase64(text: string): Buffer {
  // Fast path for the common case (a blob is most of an Encrypt or Decrypt body): Node's decoder is
  // lenient, so the result counts only if it encodes back to exactly the text sent, padded or not.
  const bytes = Buffer.from(text, 'base64');
  const canonical = bytes.toString('base64');
  const unpaddedCanonical = canonical.endsWith('=') ? canonical.slice(0, canonical.indexOf('=')) : canonical;
  return text === canonical || text === unpaddedCanonical ? bytes : decodeNonCanonicalBase64(text);
}

/** Says exactly what is wrong with base64 that did not survive the round trip, or decodes it. */
function decodeNonCanonicalBase64(text: string): Buffer {
  if (!BASE64_TEXT.test(text)) throw invalidBase64('Invalid Base64 character');
  const padding = text.indexOf('=');
  const data = padding === -1 ? text : text.slice(0, padding);
  if (data.length % 4 === 1 || (padding !== -1 && text.length % 4 !== 0)) {
    throw invalidBase64('Base64 encoded length is invalid');
  }
  const unusedBits = [0, 0, 0x0f, 0x03][data.length % 4] ?? 0;
  if ((BASE64_ALPHABET.indexOf(data.slice(-1)) & unusedBits) !== 0) {
    throw invalidBase64('Invalid last non-pad Base64 character');
  }
  return Buffer.from(data, 'base64');
}

// ---------------------------------------------------------------------------------------------------------------
// Echoing values as AWS (Java) prints them

/** Java's toString: ByteBuffer for bytes, `[a, b]` for lists, `{k=v}` for maps (and, here, structures). */
function render(value: unknown): string {
  if (Buffer.isBuffer(value)) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (isJsonObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}=${render(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function echo(value: unknown, redacted: boolean): string {
  if (value === null) return 'Value null';
  if (redacted) return 'Value';
  const text = render(value);
  return `Value '${text.length > MAX_ECHOED_CHARS ? `${text.slice(0, MAX_ECHOED_CHARS)}...` : text}'`;
}

/** The violations found in one request; only the listed ones are ever rendered. */
export class Violations {
  count = 0;
  private readonly listed: string[] = [];

  add(value: unknown, redacted: boolean, path: string, constraint: string): void {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_VIOLATIONS) {
      this.listed.push(`${echo(value, redacted)} at '${path}' failed to satisfy constraint: ${constraint}`);
    }
  }

  addEach(value: unknown, redacted: boolean, path: string, constraints: readonly string[]): void {
    for (const constraint of constraints) this.add(value, redacted, path, constraint);
  }

  message(): string {
    return `${this.count} validation error${this.count === 1 ? '' : 's'} detected: ${this.listed.join('; ')}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling shapes into validators

/** A scalar shape: reads one JSON value (throwing SerializationException) and names the constraints it breaks. */
interface ScalarRule {
  /** Returns what the handler receives (a Buffer for a blob); pushes broken constraints in AWS's order. */
  read(json: unknown, broken: string[]): unknown;
  /** Every constraint of the shape, in the order AWS lists them inside `[...]`. */
  readonly phrases: readonly string[];
}

/** A compiled shape: `decode` takes a non-null JSON value and returns the handler's value. */
interface Validator {
  decode(json: unknown, path: string, found: Violations): unknown;
  /** The value must never be echoed: the shape is sensitive or holds a sensitive shape. */
  readonly redacted: boolean;
  readonly scalar?: ScalarRule;
}

export function stringRule(shape: Extract<Shape, { type: 'string' }>): ScalarRule {
  const length = bounds(shape, 'length');
  const allowed = shape.enum === undefined ? undefined : new Set(shape.enum);
  const enumPhrase = shape.enum === undefined ? undefined : phrase.enumSet(shape.enum);
  const regExp = shape.pattern === undefined ? undefined : javaPatternToRegExp(shape.pattern);
  const patternPhrase = shape.pattern === undefined ? undefined : phrase.pattern(shape.pattern);
  return {
    phrases: [enumPhrase, ...length.phrases, patternPhrase].filter((p) => p !== undefined),
    read(json, broken) {
      if (typeof json !== 'string') throw notConvertible(json, 'a String');
      // AWS reports a pattern violation before a length violation of the same value.
      if (patternPhrase !== undefined && !regExp?.test(json)) broken.push(patternPhrase);
      if (enumPhrase !== undefined && !allowed?.has(json)) broken.push(enumPhrase);
      length.check(json.length, broken);
      return json;
    },
  };
}

/** Java's int; a long beyond 2^53 cannot be held exactly by a JavaScript number, so it is refused. */
const INTEGER_RANGE: Record<'integer' | 'long', readonly [number, number]> = {
  integer: [-(2 ** 31), 2 ** 31 - 1],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** AWS truncates a fractional number given for an integer (1.9 reads as 1); out of range cannot be read. */
function integerRule(shape: Extract<Shape, { type: 'integer' | 'long' }>): ScalarRule {
  const target = shape.type === 'integer' ? 'an Integer' : 'a Long';
  const [lowest, highest] = INTEGER_RANGE[shape.type];
  const value = bounds(shape, 'value');
  return {
    phrases: value.phrases,
    read(json, broken) {
      if (typeof json !== 'number') throw notConvertible(json, target);
      const integer = Math.trunc(json) + 0; // + 0 turns -0 into 0
      if (!(integer >= lowest && integer <= highest)) throw notConvertible(json, target);
      value.check(integer, broken);
      return integer;
    },
  };
}

function blobRule(shape: Extract<Shape, { type: 'blob' }>): ScalarRule {
  const length = bounds(shape, 'length');
  return {
    phrases: length.phrases,
    read(json, broken) {
      if (typeof json !== 'string') throw notConvertible(json, 'a Blob');
      const bytes = decodeBase64(json);
      length.check(bytes.length, broken);
      return bytes;
    },
  };
}

const booleanRule: ScalarRule = {
  phrases: [],
  read(json) {
    if (typeof json !== 'boolean') throw notConvertible(json, 'a Boolean');
    return json;
  },
};

/** awsJson1_1 sends a timestamp as epoch seconds; it reaches the handler as that number. */
const timestampRule: ScalarRule = {
  phrases: [],
  read(json) {
    if (typeof json !== 'number' || !Number.isFinite(json)) throw notConvertible(json, 'a Timestamp');
    return json;
  },
};

function scalarValidator(rule: ScalarRule, redacted: boolean): Validator {
  return {
    redacted,
    scalar: rule,
    decode(json, path, found) {
      const broken: string[] = [];
      const value = rule.read(json, broken);
      found.addEach(value, redacted, path, broken);
      return value;
    },
  };
}

export const lowerCamel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

function structureValidator(shape: Extract<Shape, { type: 'structure' }>): Validator {
  const required = new Set(shape.required);
  const members = Object.entries(shape.members).map(([name, shapeName]) => ({
    name,
    field: lowerCamel(name),
    required: required.has(name),
    validator: compile(shapeName),
  }));
  return {
    redacted: members.some((member) => member.validator.redacted),
    decode(json, path, found) {
      if (!isJsonObject(json)) {
        throw Array.isArray(json) ? serialization(START_OF_LIST) : serialization('Expected null');
      }
      const decoded: Record<string, unknown> = {};
      for (const member of members) {
        const value = Object.hasOwn(json, member.name) ? json[member.name] : undefined;
        const at = path === '' ? member.field : `${path}.${member.field}`;
        if (value === undefined || value === null) {
          if (member.required) found.add(null, false, at, phrase.notNull);
          continue;
        }
        decoded[member.name] = member.validator.decode(value, at, found);
      }
      return decoded;
    },
  };
}

/**
 * The one violation reported for a list or map whose scalar elements break a constraint of their shape: it
 * lists every constraint of that shape. Undefined where the elements have no constraint to break.
 */
export function collectionConstraint(prefix: string, rule: ScalarRule, extraPhrases: readonly string[] = []) {
  const phrases = [...rule.phrases, ...extraPhrases];
  return phrases.length === 0 ? undefined : `${prefix} must satisfy constraint: [${phrases.join(', ')}]`;
}

function listValidator(shape: Extract<Shape, { type: 'list' }>): Validator {
  const element = compile(shape.member);
  const rule = element.scalar;
  const elementConstraint = rule === undefined ? undefined : collectionConstraint('Member', rule);
  const length = bounds(shape, 'length');
  const redacted = element.redacted;
  return {
    redacted,
    decode(json, path, found) {
      if (!Array.isArray(json)) {
        throw isJsonObject(json) ? serialization(START_OF_MAP) : serialization('Expected list or null');
      }
      const present = json.filter((item) => item !== null && item !== undefined);
      const lengthBroken: string[] = [];
      length.check(present.length, lengthBroken);
      const elementsBroken: string[] = [];
      const decoded = present.map((item, index) =>
        rule === undefined
          ? element.decode(item, `${path}.${index + 1}.member`, found)
          : rule.read(item, elementsBroken),
      );
      found.addEach(decoded, redacted, path, lengthBroken);
      if (elementConstraint !== undefined && elementsBroken.length > 0) {
        found.add(decoded, redacted, path, elementConstraint);
      }
      return decoded;
    },
  };
}

function mapValidator(shape: Extract<Shape, { type: 'map' }>, name: ShapeName): Validator {
  const keyValidator = compile(shape.key);
  const valueValidator = compile(shape.value);
  const keyRule = keyValidator.scalar;
  const valueRule = valueValidator.scalar;
  if (keyRule === undefined || valueRule === undefined) throw new Error(`map ${name}: only scalar keys and values`);
  const keyConstraint = collectionConstraint('Map keys', keyRule);
  const valueConstraint = collectionConstraint('Map value', valueRule, [phrase.notNull]);
  const length = bounds(shape, 'length');
  const redacted = keyValidator.redacted || valueValidator.redacted;
  return {
    redacted,
    decode(json, path, found) {
      if (!isJsonObject(json)) {
        throw Array.isArray(json) ? serialization(START_OF_LIST) : serialization('Expected map or null');
      }
      const keysBroken: string[] = [];
      const valuesBroken: string[] = [];
      const entries = Object.entries(json).map(([key, value]): [string, unknown] => {
        keyRule.read(key, keysBroken);
        if (value !== null && value !== undefined) return [key, valueRule.read(value, valuesBroken)];
        valuesBroken.push(phrase.notNull);
        return [key, null];
      });
      // Object.fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
      const decoded = Object.fromEntries(entries);
      const lengthBroken: string[] = [];
      length.check(entries.length, lengthBroken);
      found.addEach(decoded, redacted, path, lengthBroken);
      if (keyConstraint !== undefined && keysBroken.length > 0) found.add(decoded, redacted, path, keyConstraint);
      if (valueConstraint !== undefined && valuesBroken.length > 0) found.add(decoded, redacted, path, valueConstraint);
      return decoded;
    },
  };
}

const compiled = new Map<ShapeName, Validator>();

/** The validator of a shape, built once and shared by every operation that uses the shape. */
function compile(name: ShapeName): Validator {
  const existing = compiled.get(name);
  if (existing !== undefined) return existing;
  const shape = shapes[name];
  const validator = build(shape, name);
  compiled.set(name, validator);
  return validator;
}

/**
 * Shapes the model does not mark sensitive that are bearer secrets all the same: a grant token grants what its
 * grant does to whoever holds it, so a violation message (which the audit trail keeps) never quotes one.
 */
const BEARER_SECRETS: ReadonlySet<ShapeName> = new Set<ShapeName>(['GrantTokenType']);

function build(shape: Shape, name: ShapeName): Validator {
  switch (shape.type) {
    case 'structure':
      return structureValidator(shape);
    case 'list':
      return listValidator(shape);
    case 'map':
      return mapValidator(shape, name);
    case 'string':
      return scalarValidator(stringRule(shape), shape.sensitive === true || BEARER_SECRETS.has(name));
    case 'integer':
    case 'long':
      return scalarValidator(integerRule(shape), false);
    case 'blob':
      return scalarValidator(blobRule(shape), shape.sensitive === true);
    case 'boolean':
      return scalarValidator(booleanRule, false);
    case 'timestamp':
      return scalarValidator(timestampRule, false);
  }
}

/**
 * Checks a parsed JSON request body against the operation's input shape and returns the members the model
 * knows, with blobs decoded to Buffers, integers as numbers and everything else as sent. Throws KmsError:
 * SerializationException for a value of the wrong JSON kind, ValidationException for broken constraints.
 */
export function validateInput(operation: OperationName, body: unknown): Record<string, unknown> {
  if (!isJsonObject(body)) throw serialization(Array.isArray(body) ? START_OF_LIST : undefined);
  const found = new Violations();
  const input = compile(operationInputShape[operation]).decode(body, '', found) as Record<string, unknown>;
  if (found.count > 0) throw kmsError('ValidationException', found.message());
  return input;
}
