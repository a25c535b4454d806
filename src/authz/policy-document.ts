/**
 * Key policies and IAM identity policies: from the JSON text a caller sends to the model of ./policy.ts,
 * refusing, as AWS refuses, anything that is not a well-formed policy. Every refusal is a
 * MalformedPolicyDocumentException whose message names the offending element, so that a caller can fix
 * the document; AWS's own wording is used where it is known.
 *
 * Choices where AWS leaves room:
 * - Size: at most MAX_KEY_POLICY_CHARS characters, counted as Unicode code points (how Smithy counts a
 *   string's length), for identity policies too; a caller may enforce a tighter limit of its own.
 * - JSON: strict RFC 8259, and a key repeated in one object is an error (JSON.parse would silently keep
 *   the last one, so the document would mean something other than what a reader of it sees).
 * - Version: absent means "2008-10-17", as in IAM. Policy variables (`${...}`) mean something only under
 *   "2012-10-17"; under "2008-10-17" the evaluator must read them as literal text, so it must look at
 *   `version`. Nothing is substituted here: every string is kept as written.
 * - Sid: optional; when present it must be unique within the policy, in key policies too (IAM requires
 *   this of identity policies, and AWS's guidance for KMS key policy errors is to remove duplicate Sids).
 * - Service prefixes in actions may be in either case (IAM reads them case-insensitively).
 */
import { type KmsError, kmsError } from '../errors/catalogue.js';
import { parseInstant, parseNetwork, parseNumber } from './conditions.js';
import type { PolicyCondition, PolicyDocument, PolicyStatement, PrincipalBlock } from './policy.js';

/** AWS KMS's limit for a key policy: 32 KB, though the API model allows 131072 characters in the shape. */
export const MAX_KEY_POLICY_CHARS = 32_768;

/**
 * A key policy is a resource policy: its statements name principals. An identity policy's do not. A role's
 * trust policy names principals and no resource: it is about the role it is attached to (IAM refuses a
 * Resource element there), so its statements cover the role ('*').
 */
export type PolicyKind = 'resource' | 'identity' | 'trust';

/**
 * Parses and validates a policy document. Throws KmsError('MalformedPolicyDocumentException') for
 * anything that is not a valid policy of the given kind; never anything else.
 */
/**
 * A policy about to be stored (CreateKey, PutKeyPolicy): every rule, including the ones AWS applies only
 * when a policy is set, condition values that their operator cannot compare and set operators on
 * single-valued keys (OverlyPermissiveCondition).
 */
export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  return parseDocument(text, kind, 'new');
}

/**
 * A policy already stored, read for a decision: the structure only. Rules added to store-time checking
 * later must never make a stored policy unreadable (it would then allow nothing, PutKeyPolicy included,
 * and lock the key); values the evaluator cannot compare already fail closed there.
 */
export function parseStoredPolicy(text: string, kind: PolicyKind): PolicyDocument {
  return parseDocument(text, kind, 'stored');
}

/** Which checks a parse applies: all of them for a new policy, the structure only for a stored one. */
type Checks = 'new' | 'stored';

function parseDocument(text: string, kind: PolicyKind, checks: Checks): PolicyDocument {
  if (isLongerThan(text, MAX_KEY_POLICY_CHARS)) {
    throw malformed(`The policy document is longer than ${MAX_KEY_POLICY_CHARS} characters.`);
  }
  const document = new StrictJsonReader(text).document();
  if (!(document instanceof Map)) throw malformed('The policy document must be a JSON object.');
  onlyElements(document, DOCUMENT_ELEMENTS, 'The policy document');
  const version = parseVersion(document.get('Version'));
  const id = parseId(document.get('Id'));
  const statements = statementObjects(document.get('Statement')).map((statement, index) =>
    parseStatement(statement, index, kind, checks),
  );
  checkUniqueSids(statements);
  return { version, ...(id === undefined ? {} : { id }), statements };
}

function malformed(message: string): KmsError {
  return kmsError('MalformedPolicyDocumentException', message);
}

/** Counts code points only when the UTF-16 length says it might matter, and stops at the limit. */
function isLongerThan(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let count = 0;
  for (const _ of text) {
    count += 1;
    if (count > limit) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Strict JSON

/** A JSON number kept as written, so that a condition value reads back exactly as the policy spells it. */
class JsonNumber {
  constructor(readonly text: string) {}
}

/** Objects as Maps: lookups never reach Object.prototype, and a key such as `__proto__` is plain data. */
type JsonObject = Map<string, Json>;
type Json = string | boolean | null | JsonNumber | Json[] | JsonObject;

/** A policy nests seven levels deep at most; the bound also keeps the recursive reader off the stack limit. */
const MAX_NESTING = 32;
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

/** RFC 8259 JSON, read by recursive descent, refusing a key repeated within one object. */
class StrictJsonReader {
  private position = 0;

  constructor(private readonly text: string) {}

  document(): Json {
    const value = this.value(1, '');
    this.skipWhitespace();
    if (this.position < this.text.length) throw this.syntaxError('unexpected text after the document');
    return value;
  }

  /** `where` is the path to the value, for messages: `Statement[0].Condition`. */
  private value(depth: number, where: string): Json {
    this.skipWhitespace();
    switch (this.text[this.position]) {
      case '{':
        return this.object(depth, where);
      case '[':
        return this.array(depth, where);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private object(depth: number, where: string): JsonObject {
    this.enter(depth);
    const members: JsonObject = new Map();
    this.skipWhitespace();
    if (this.take('}')) return members;
    do {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') throw this.syntaxError('expected a string key');
      const key = this.string();
      if (members.has(key)) {
        throw malformed(`The policy document contains the duplicate key ${quote(key)} in ${where || 'its top level'}.`);
      }
      this.skipWhitespace();
      this.expect(':');
      members.set(key, this.value(depth + 1, where === '' ? key : `${where}.${key}`));
      this.skipWhitespace();
    } while (this.take(','));
    this.expect('}');
    return members;
  }

  private array(depth: number, where: string): Json[] {
    this.enter(depth);
    const items: Json[] = [];
    this.skipWhitespace();
    if (this.take(']')) return items;
    do {
      items.push(this.value(depth + 1, `${where}[${items.length}]`));
      this.skipWhitespace();
    } while (this.take(','));
    this.expect(']');
    return items;
  }

  /** Steps over the opening bracket, refusing to go deeper than MAX_NESTING. */
  private enter(depth: number): void {
    if (depth > MAX_NESTING) throw malformed(`The policy document nests deeper than ${MAX_NESTING} levels.`);
    this.position += 1;
  }

  private string(): string {
    this.position += 1;
    let decoded = '';
    let runStart = this.position;
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (Number.isNaN(code)) throw this.syntaxError('unterminated string');
      if (code === 0x22) {
        decoded += this.text.slice(runStart, this.position);
        this.position += 1;
        return decoded;
      }
      if (code < 0x20) throw this.syntaxError('unescaped control character in a string');
      if (code === 0x5c) {
        decoded += this.text.slice(runStart, this.position) + this.escape();
        runStart = this.position;
      } else {
        this.position += 1;
      }
    }
  }

  /** Reads the escape sequence at the backslash under the cursor. */
  private escape(): string {
    const letter = this.text[this.position + 1] ?? '';
    const simple = SIMPLE_ESCAPES.get(letter);
    if (simple !== undefined) {
      this.position += 2;
      return simple;
    }
    const hex = this.text.slice(this.position + 2, this.position + 6);
    if (letter !== 'u' || !HEX4.test(hex)) throw this.syntaxError('invalid escape sequence');
    this.position += 6;
    return String.fromCharCode(Number.parseInt(hex, 16));
  }

  private literal<T extends Json>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) throw this.syntaxError(this.unexpected());
    this.position += word.length;
    return value;
  }

  private number(): JsonNumber {
    JSON_NUMBER.lastIndex = this.position;
    const match = JSON_NUMBER.exec(this.text);
    if (match === null) throw this.syntaxError(this.unexpected());
    this.position = JSON_NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  }

  private skipWhitespace(): void {
    while (JSON_WHITESPACE.has(this.text[this.position] ?? '')) this.position += 1;
  }

  private take(character: string): boolean {
    if (this.text[this.position] !== character) return false;
    this.position += 1;
    return true;
  }

  private expect(character: string): void {
    if (!this.take(character)) throw this.syntaxError(`expected ${quote(character)}, found ${this.unexpected()}`);
  }

  private unexpected(): string {
    const character = this.text[this.position];
    return character === undefined ? 'the end of the document' : `unexpected ${quote(character)}`;
  }

  private syntaxError(problem: string): KmsError {
    return malformed(`The policy document is not valid JSON: ${problem} at offset ${this.position}.`);
  }
}

/** A value as a message shows it: strings quoted and cut short, containers by kind. */
function shown(value: Json): string {
  if (typeof value === 'string') return quote(value);
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Map) return 'an object';
  return String(value);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** A string, or a non-empty list, each item read by `read` (undefined when an item does not fit). */
function listOf<T>(value: Json, read: (item: Json) => T | undefined): T[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return undefined;
  const results: T[] = [];
  for (const item of items) {
    const result = read(item);
    if (result === undefined) return undefined;
    results.push(result);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------
// The document

const DOCUMENT_ELEMENTS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const VERSIONS = ['2012-10-17', '2008-10-17'] as const;

function onlyElements(object: JsonObject, allowed: ReadonlySet<string>, where: string): void {
  for (const name of object.keys()) {
    if (!allowed.has(name)) {
      throw malformed(`${where} contains the unknown element ${quote(name)}; allowed: ${[...allowed].join(', ')}.`);
    }
  }
}

function parseVersion(value: Json | undefined): PolicyDocument['version'] {
  if (value === undefined) return '2008-10-17';
  const version = VERSIONS.find((known) => known === value);
  if (version === undefined) {
    throw malformed(
      `The policy document has an invalid Version ${shown(value)}; it must be "2012-10-17" or "2008-10-17".`,
    );
  }
  return version;
}

function parseId(value: Json | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw malformed(`The policy document's Id must be a string, not ${shown(value)}.`);
}

function statementObjects(value: Json | undefined): JsonObject[] {
  if (value === undefined) throw malformed('The policy document has no Statement.');
  const statements = listOf(value, (item) => (item instanceof Map ? item : undefined));
  if (statements === undefined) {
    throw malformed("The policy document's Statement must be an object or a non-empty list of objects.");
  }
  return statements;
}

function checkUniqueSids(statements: readonly PolicyStatement[]): void {
  const firstUse = new Map<string, number>();
  for (const { sid, index } of statements) {
    if (sid === undefined) continue;
    const earlier = firstUse.get(sid);
    if (earlier !== undefined) {
      throw malformed(
        `Statement[${index}].Sid ${quote(sid)} is already used by Statement[${earlier}]; Sids must be unique within a policy.`,
      );
    }
    firstUse.set(sid, index);
  }
}

// ---------------------------------------------------------------------------------------------------
// Statements

/** Which of a pair such as Action / NotAction a statement holds: it must hold exactly one. */
interface OneOfPair {
  readonly negated: boolean;
  readonly name: string;
  readonly value: Json;
}

function exactlyOne(statement: JsonObject, name: string, notName: string, where: string): OneOfPair {
  const value = statement.get(name);
  const notValue = statement.get(notName);
  if (value !== undefined && notValue === undefined) return { negated: false, name, value };
  if (value === undefined && notValue !== undefined) return { negated: true, name: notName, value: notValue };
  throw malformed(`${where} must contain exactly one of ${name} and ${notName}.`);
}

function parseStatement(statement: JsonObject, index: number, kind: PolicyKind, checks: Checks): PolicyStatement {
  const where = `Statement[${index}]`;
  onlyElements(statement, STATEMENT_ELEMENTS, where);
  const sid = parseSid(statement.get('Sid'), where);
  const effect = parseEffect(statement.get('Effect'), where);
  const principal = parsePrincipalPair(statement, kind, where);
  const action = exactlyOne(statement, 'Action', 'NotAction', where);
  const actions = parseActions(action.value, `${where}.${action.name}`);
  const condition = statement.get('Condition');
  return {
    sid,
    index,
    effect,
    ...principal,
    ...(action.negated ? { notAction: actions } : { action: actions }),
    ...(kind === 'trust' ? theRoleItself(statement, where) : parseResourcePair(statement, where)),
    conditions: condition === undefined ? [] : parseConditions(condition, `${where}.Condition`, checks),
  };
}

function parseResourcePair(statement: JsonObject, where: string): Pick<PolicyStatement, 'resource' | 'notResource'> {
  const resource = exactlyOne(statement, 'Resource', 'NotResource', where);
  const resources = parseResources(resource.value, `${where}.${resource.name}`);
  return resource.negated ? { notResource: resources } : { resource: resources };
}

function theRoleItself(statement: JsonObject, where: string): Pick<PolicyStatement, 'resource'> {
  const present = ['Resource', 'NotResource'].find((name) => statement.has(name));
  if (present !== undefined) throw malformed(`Has prohibited field ${present}: ${where} of a trust policy.`);
  return { resource: ['*'] };
}

function parseSid(value: Json | undefined, where: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw malformed(`${where}.Sid must be a string, not ${shown(value)}.`);
}

function parseEffect(value: Json | undefined, where: string): PolicyStatement['effect'] {
  if (value === 'Allow' || value === 'Deny') return value;
  if (value === undefined) throw malformed(`${where} is missing the required element Effect.`);
  throw malformed(`${where}.Effect must be "Allow" or "Deny", not ${shown(value)}.`);
}

// ---------------------------------------------------------------------------------------------------
// Principals

const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const ACCOUNT_ID = /^\d{12}$/;
/** IAM user, role and session names. */
const IAM_NAME = String.raw`[\w+=,.@-]{1,64}`;
/** IAM paths (`/` or `/a/b/`) of printable ASCII; `*` and `?` are refused, as AWS refuses wildcards in principals. */
const IAM_PATH = '/(?:[!-)+-.0->@-~]+/)*';
const AWS_PRINCIPAL_ARN = new RegExp(
  String.raw`^arn:aws:(?:iam::\d{12}:(?:root|(?:user|role)${IAM_PATH}${IAM_NAME})|sts::\d{12}:assumed-role/${IAM_NAME}/${IAM_NAME})$`,
);

function invalidPrincipal(where: string, detail: string): KmsError {
  return malformed(`Policy contains a statement with one or more invalid principals. ${where}: ${detail}.`);
}

function parsePrincipalPair(
  statement: JsonObject,
  kind: PolicyKind,
  where: string,
): Pick<PolicyStatement, 'principal' | 'notPrincipal'> {
  if (kind === 'identity') {
    const present = ['Principal', 'NotPrincipal'].find((name) => statement.has(name));
    if (present !== undefined)
      throw malformed(`Policy document should not specify a principal: ${where} has ${present}.`);
    return {};
  }
  const principal = exactlyOne(statement, 'Principal', 'NotPrincipal', where);
  const block = parsePrincipalBlock(principal.value, `${where}.${principal.name}`);
  return principal.negated ? { notPrincipal: block } : { principal: block };
}

function parsePrincipalBlock(value: Json, where: string): PrincipalBlock {
  if (value === '*') return '*';
  if (!(value instanceof Map) || value.size === 0) {
    throw invalidPrincipal(where, `expected "*" or an object of principal types, found ${shown(value)}`);
  }
  const block: Record<string, string[]> = {};
  for (const [type, ids] of value) {
    if (!PRINCIPAL_TYPES.has(type)) {
      throw invalidPrincipal(
        where,
        `unknown principal type ${quote(type)}; allowed: ${[...PRINCIPAL_TYPES].join(', ')}`,
      );
    }
    const read = type === 'AWS' ? awsPrincipal : otherPrincipal;
    const principals = listOf(ids, read);
    if (principals === undefined) {
      throw invalidPrincipal(`${where}.${type}`, `${describeBadItem(ids, read)} is not a valid ${type} principal`);
    }
    block[type] = principals;
  }
  return block;
}

/** `*`, an account's root (an account id becomes its root ARN, as AWS stores it), a user, a role or a session. */
function awsPrincipal(value: Json): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === '*' || AWS_PRINCIPAL_ARN.test(value)) return value;
  return ACCOUNT_ID.test(value) ? `arn:aws:iam::${value}:root` : undefined;
}

function otherPrincipal(value: Json): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The first item `read` refuses, for a message; the whole value when it is not a list, or an empty one. */
function describeBadItem(value: Json, read: (item: Json) => unknown): string {
  if (!Array.isArray(value)) return shown(value);
  const bad = value.find((item) => read(item) === undefined);
  return bad === undefined ? 'an empty list' : shown(bad);
}

// ---------------------------------------------------------------------------------------------------
// Actions and resources

const ACTION = /^(?:\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
/** `*`, or an ARN: arn:partition:service:region:account:resource, wildcards allowed. */
const RESOURCE = /^(?:\*|arn:[^:]+:[^:]+:[^:]*:[^:]*:.+)$/;

function matching(pattern: RegExp): (value: Json) => string | undefined {
  return (value) => (typeof value === 'string' && pattern.test(value) ? value : undefined);
}

function parseActions(value: Json, where: string): string[] {
  const read = matching(ACTION);
  const actions = listOf(value, read);
  if (actions === undefined) {
    throw malformed(
      `${where} contains the invalid action ${describeBadItem(value, read)}; an action is "*" or "<service>:<action>", such as "kms:Encrypt".`,
    );
  }
  return actions;
}

function parseResources(value: Json, where: string): string[] {
  const read = matching(RESOURCE);
  const resources = listOf(value, read);
  if (resources === undefined) {
    throw malformed(
      `${where} contains the invalid resource ${describeBadItem(value, read)}; a resource must be in ARN format or "*".`,
    );
  }
  return resources;
}

// ---------------------------------------------------------------------------------------------------
// Conditions

const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  ...['Equals', 'NotEquals', 'EqualsIgnoreCase', 'NotEqualsIgnoreCase', 'Like', 'NotLike'].map((s) => `String${s}`),
  ...['Equals', 'NotEquals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'].flatMap((s) => [
    `Numeric${s}`,
    `Date${s}`,
  ]),
  ...['Equals', 'NotEquals', 'Like', 'NotLike'].map((s) => `Arn${s}`),
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'Null',
]);
const OPERATOR_PARTS = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/;

type SetOperator = 'ForAnyValue' | 'ForAllValues';

/**
 * Condition keys that hold at most one value in a request. A set operator on one of them is what AWS KMS
 * calls an OverlyPermissiveCondition. Matched case-insensitively, as IAM matches key names. Keys not
 * listed (kms:EncryptionContextKeys, kms:GrantOperations, kms:ResourceAliases, aws:TagKeys, and keys this
 * list does not know) may take a set operator.
 */
const SINGLE_VALUED_KEYS: ReadonlySet<string> = new Set(
  [
    'kms:CallerAccount',
    'kms:KeySpec',
    'kms:KeyUsage',
    'kms:KeyOrigin',
    'kms:EncryptionAlgorithm',
    'kms:ViaService',
    'kms:GrantIsForAWSResource',
    'kms:RetiringPrincipal',
    'kms:GranteePrincipal',
    'kms:BypassPolicyLockoutSafetyCheck',
    'kms:ReEncryptOnSameKey',
    'kms:DataKeyPairSpec',
    'kms:MacAlgorithm',
    'kms:SigningAlgorithm',
    'kms:MessageType',
    'kms:ScheduleKeyDeletionPendingWindowInDays',
    'kms:RotationPeriodInDays',
    'kms:RequestAlias',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:username',
    'aws:userid',
    'aws:SourceIp',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:SecureTransport',
    'aws:PrincipalType',
  ].map((key) => key.toLowerCase()),
);
/** Families of single-valued keys, each with what AWS's message calls the thing the key names. */
const SINGLE_VALUED_KEY_FAMILIES: readonly (readonly [prefix: string, subject: string])[] = [
  ['kms:encryptioncontext:', 'encryption context'],
  ['aws:principaltag/', 'tag'],
  ['aws:requesttag/', 'tag'],
  ['aws:resourcetag/', 'tag'],
];

/** What the thing a single-valued key names is called in messages, or undefined if the key is not single-valued. */
function singleValuedSubject(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (SINGLE_VALUED_KEYS.has(lower)) return 'value';
  return SINGLE_VALUED_KEY_FAMILIES.find(([prefix]) => lower.startsWith(prefix))?.[1];
}

/** The set operator of a known condition operator (or none), or undefined when the operator is unknown. */
function readOperator(
  operator: string,
): { readonly setOperator: SetOperator | undefined; readonly base: string } | undefined {
  const [, setOperator, base = '', ifExists] = OPERATOR_PARTS.exec(operator) ?? [];
  if (!CONDITION_OPERATORS.has(base) || (base === 'Null' && ifExists !== undefined)) return undefined;
  return { setOperator: setOperator as SetOperator | undefined, base };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The values an operator family can compare, checked when the policy is stored: a policy whose condition
 * could never be evaluated is refused now rather than failing closed on every request. Values holding a
 * policy variable are checked only once substituted, at evaluation.
 */
const VALUE_CHECKS: readonly (readonly [family: RegExp, valid: (value: string) => boolean, what: string])[] = [
  [/^Numeric/, (value) => parseNumber(value) !== undefined, 'a number'],
  [/^Date/, (value) => parseInstant(value) !== undefined, 'an ISO 8601 date or epoch seconds'],
  [/^(Not)?IpAddress$/, (value) => parseNetwork(value) !== undefined, 'an IP address or CIDR range'],
  [/^(Bool|Null)$/, (value) => value === 'true' || value === 'false', 'true or false'],
  [/^BinaryEquals$/, (value) => BASE64.test(value), 'base64'],
];

function checkConditionValues(base: string, key: string, values: readonly string[], where: string): void {
  const check = VALUE_CHECKS.find(([family]) => family.test(base.replace(/IfExists$/, '')));
  if (check === undefined) return;
  const [, valid, what] = check;
  for (const value of values) {
    if (!value.includes('${') && !valid(value)) {
      throw malformed(`${where} has the value ${quote(value)} for ${quote(key)}, which is not ${what}.`);
    }
  }
}

function overlyPermissive(setOperator: SetOperator, key: string, subject: string, where: string): KmsError {
  // AWS documents the ForAllValues wording; ForAnyValue gets the warning AWS gives for set operators in general.
  const consequence =
    setOperator === 'ForAllValues'
      ? `it matches requests without the specified ${subject} or with an unspecified ${subject}`
      : 'it can make the statement more permissive or more restrictive than intended';
  return malformed(
    `OverlyPermissiveCondition: ${where} uses the ${setOperator} set operator with the single-valued condition key ${key}, which is not allowed: ${consequence}. To fix, remove ${setOperator}.`,
  );
}

function conditionValue(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof JsonNumber) return value.text;
  return undefined;
}

function parseConditions(value: Json, where: string, checks: Checks): PolicyCondition[] {
  if (!(value instanceof Map))
    throw malformed(`${where} must be an object of condition operators, not ${shown(value)}.`);
  const conditions: PolicyCondition[] = [];
  for (const [operator, block] of value) {
    const known = readOperator(operator);
    if (known === undefined) throw malformed(`${where} contains the unknown condition operator ${quote(operator)}.`);
    const blockWhere = `${where}.${operator}`;
    if (!(block instanceof Map) || block.size === 0) {
      throw malformed(`${blockWhere} must be a non-empty object of condition keys, not ${shown(block)}.`);
    }
    for (const [key, keyValue] of block) {
      const condition = parseCondition(operator, key, keyValue, blockWhere);
      if (checks === 'new') {
        const subject = singleValuedSubject(key);
        if (known.setOperator !== undefined && subject !== undefined) {
          throw overlyPermissive(known.setOperator, key, subject, blockWhere);
        }
        checkConditionValues(known.base, key, condition.values, blockWhere);
      }
      conditions.push(condition);
    }
  }
  return conditions;
}

function parseCondition(operator: string, key: string, value: Json, where: string): PolicyCondition {
  if (key === '') throw malformed(`${where} contains an empty condition key.`);
  const values = listOf(value, conditionValue);
  if (values === undefined) {
    throw malformed(
      `${where} has an invalid value for ${quote(key)}: expected a string, number or boolean, or a non-empty list of them.`,
    );
  }
  return { operator, key, values };
}
