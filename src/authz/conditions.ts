/**
 * The Condition element: IAM's condition operators evaluated against the request context, in three-valued
 * logic (see Truth in matching.ts). Semantics follow the IAM User Guide, "IAM JSON policy elements: Condition
 * operators" and "Conditions with multiple context keys or values":
 * - several operators, and several keys under one operator, AND;
 * - several values for one key OR; for a negated operator (StringNotEquals, NotIpAddress, ...) they NOR, i.e.
 *   the negated operator is the negation of its positive twin over all the values;
 * - "If the key that you specify in a policy condition is not present in the request context, the values do
 *   not match and the condition is false. If the policy condition requires that the key is not matched, such
 *   as StringNotLike or ArnNotLike, and the right key is not present, the condition is true. This logic applies
 *   to all condition operators except ...IfExists and Null check";
 * - `...IfExists`: true when the key is absent; Null: "true" means absent, "false" means present;
 * - ForAnyValue: some request value matches (false for a missing key); ForAllValues: every request value
 *   matches, which AWS documents is "also true if there are no context keys in the request".
 */
import {
  allOf,
  anyOf,
  arnMatches,
  compilePattern,
  expandText,
  memoized,
  negate,
  patternMatches,
  splitArn,
  type Truth,
  type Variables,
} from './matching.js';
import type { PolicyCondition } from './policy.js';

/** Compares one request value with one policy value, as the positive form of an operator. */
type Comparison = (requestValue: string, policyValue: string, variables: Variables) => Truth;

interface Operator {
  readonly compare: Comparison;
  readonly negated: boolean;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseNumber(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const EPOCH_SECONDS = /^\d{1,12}$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * A date condition value as an instant in epoch milliseconds: epoch seconds, or ISO 8601 (a date, or a date
 * and time with an optional fraction and zone; no zone means UTC, never the server's local time).
 */
export function parseInstant(text: string): number | undefined {
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;
  const fields = ISO_8601.exec(text);
  if (!fields) return undefined;
  const [year, month, day, hour, minute, second] = fields.slice(1, 7).map((field) => Number(field ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((fields[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = offsetMinutes(fields[8]);
  if (offset === undefined || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, millis);
  if (instant.getUTCMonth() !== month - 1 || instant.getUTCDate() !== day) return undefined;
  return instant.getTime() - offset * 60_000;
}

function parseBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** An IP address as a number, IPv4 (32 bits) or IPv6 (128 bits). */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bits: bigint;
}

export interface IpNetwork extends IpAddress {
  readonly prefix: number;
}

const WIDTH = { 4: 32, 6: 128 } as const;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV4_MAPPED = 0xffffn;

function parseIpv4(text: string): bigint | undefined {
  const octets = DOTTED_QUAD.exec(text)?.slice(1);
  // Leading zeros are refused: some parsers read them as octal, so their meaning is ambiguous.
  if (!octets || octets.some((octet) => Number(octet) > 255 || (octet.length > 1 && octet.startsWith('0')))) {
    return undefined;
  }
  return octets.reduce((bits, octet) => (bits << 8n) | BigInt(octet), 0n);
}

function hexGroups(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => BigInt(`0x${group}`));
}

function parseIpv6(text: string): bigint | undefined {
  let hex = text;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, text.length - tail.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0]!);
  const rest = halves.length === 2 ? hexGroups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<bigint>(missing).fill(0n), ...rest].reduce((bits, group) => (bits << 16n) | group, 0n);
}

function parseRawAddress(text: string): IpAddress | undefined {
  const bits = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  if (bits === undefined) return undefined;
  return { version: text.includes(':') ? 6 : 4, bits };
}

function isIpv4Mapped(address: IpAddress): boolean {
  return address.version === 6 && address.bits >> 32n === IPV4_MAPPED;
}

/**
 * A request's source address. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, which a dual-stack listener
 * reports for IPv4 clients) counts as the IPv4 address, or an IPv4 range in a Deny would not cover it.
 */
export function parseAddress(text: string): IpAddress | undefined {
  const address = parseRawAddress(text);
  if (!address || !isIpv4Mapped(address)) return address;
  return { version: 4, bits: address.bits & 0xffffffffn };
}

/** A policy's CIDR block; a bare address is a single host. Host bits may be set: only the prefix counts. */
export function parseNetwork(text: string): IpNetwork | undefined {
  const [host, length, extra] = text.split('/');
  if (host === undefined || extra !== undefined) return undefined;
  const address = parseRawAddress(host);
  if (!address) return undefined;
  const width = WIDTH[address.version];
  if (length !== undefined && !/^\d{1,3}$/.test(length)) return undefined;
  const prefix = length === undefined ? width : Number(length);
  if (prefix > width) return undefined;
  if (isIpv4Mapped(address) && prefix >= 96) {
    return { version: 4, bits: address.bits & 0xffffffffn, prefix: prefix - 96 };
  }
  return { ...address, prefix };
}

function inNetwork(address: IpAddress, network: IpNetwork): boolean {
  if (address.version !== network.version) return false;
  const hostBits = BigInt(WIDTH[network.version] - network.prefix);
  return address.bits >> hostBits === network.bits >> hostBits;
}

/** Applies `test` to both values once each parses; a value that does not parse makes the comparison unknown. */
function parsed<T>(parse: (text: string) => T | undefined, test: (request: T, policy: T) => boolean): Comparison {
  return (requestValue, policyValue) => {
    const request = parse(requestValue);
    const policy = parse(policyValue);
    return request === undefined || policy === undefined ? 'unknown' : test(request, policy);
  };
}

/** Like parsed, after substituting policy variables (String, Bool and Arn operators accept them). */
function expanded(test: (request: string, policy: string) => Truth): Comparison {
  return (requestValue, policyValue, variables) => {
    const policy = expandText(policyValue, variables);
    return policy === undefined ? 'unknown' : test(requestValue, policy);
  };
}

const stringEquals = expanded((request, policy) => request === policy);
const stringEqualsIgnoreCase = expanded((request, policy) => request.toLowerCase() === policy.toLowerCase());
const bool = expanded((request, policy) => {
  const requestBool = parseBool(request);
  const policyBool = parseBool(policy);
  return requestBool === undefined || policyBool === undefined ? 'unknown' : requestBool === policyBool;
});

const stringLike: Comparison = (requestValue, policyValue, variables) => {
  const pattern = compilePattern(policyValue, variables, true);
  return pattern === undefined ? 'unknown' : patternMatches(pattern, requestValue);
};

/** IAM documents ArnEquals and ArnLike alike: per-part, case-sensitive, with `*` and `?` in every part. */
const arnLike: Comparison = (requestValue, policyValue, variables) =>
  splitArn(requestValue) ? arnMatches(policyValue, requestValue, variables) : 'unknown';

const ipAddress: Comparison = (requestValue, policyValue) => {
  const address = parseAddress(requestValue);
  const network = parseNetwork(policyValue);
  return address && network ? inNetwork(address, network) : 'unknown';
};

const number = (test: (request: number, policy: number) => boolean) => parsed(parseNumber, test);
const instant = (test: (request: number, policy: number) => boolean) => parsed(parseInstant, test);

/** Each positive operator, and the name of its negation where IAM has one. */
const POSITIVE_OPERATORS: readonly (readonly [string, Comparison, string?])[] = [
  ['StringEquals', stringEquals, 'StringNotEquals'],
  ['StringEqualsIgnoreCase', stringEqualsIgnoreCase, 'StringNotEqualsIgnoreCase'],
  ['StringLike', stringLike, 'StringNotLike'],
  ['NumericEquals', number((request, policy) => request === policy), 'NumericNotEquals'],
  ['NumericLessThan', number((request, policy) => request < policy)],
  ['NumericLessThanEquals', number((request, policy) => request <= policy)],
  ['NumericGreaterThan', number((request, policy) => request > policy)],
  ['NumericGreaterThanEquals', number((request, policy) => request >= policy)],
  ['DateEquals', instant((request, policy) => request === policy), 'DateNotEquals'],
  ['DateLessThan', instant((request, policy) => request < policy)],
  ['DateLessThanEquals', instant((request, policy) => request <= policy)],
  ['DateGreaterThan', instant((request, policy) => request > policy)],
  ['DateGreaterThanEquals', instant((request, policy) => request >= policy)],
  ['Bool', bool],
  ['BinaryEquals', parsed(parseBase64, (request, policy) => request.equals(policy))],
  ['IpAddress', ipAddress, 'NotIpAddress'],
  ['ArnEquals', arnLike, 'ArnNotEquals'],
  ['ArnLike', arnLike, 'ArnNotLike'],
];

/** Operator names are matched case-insensitively. */
const OPERATORS: ReadonlyMap<string, Operator> = new Map(
  POSITIVE_OPERATORS.flatMap(([name, compare, negation]): [string, Operator][] => [
    [name.toLowerCase(), { compare, negated: false }],
    ...(negation ? [[negation.toLowerCase(), { compare, negated: true }] as [string, Operator]] : []),
  ]),
);

type SetOperator = 'forallvalues' | 'foranyvalue' | undefined;

interface ParsedOperator extends Operator {
  readonly set: SetOperator;
  readonly ifExists: boolean;
}

const OPERATOR_SYNTAX = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/i;

/** `ForAnyValue:StringLikeIfExists` and the like; undefined for anything IAM does not define (and for Null). */
const parseOperator = memoized(parseOperatorText);

function parseOperatorText(text: string): ParsedOperator | undefined {
  const syntax = OPERATOR_SYNTAX.exec(text);
  const operator = syntax && OPERATORS.get(syntax[2]!.toLowerCase());
  if (!syntax || !operator) return undefined;
  return { ...operator, set: syntax[1]?.toLowerCase() as SetOperator, ifExists: syntax[3] !== undefined };
}

/** Null takes "true" (the key is absent) or "false" (present); it has no IfExists or set form. */
function nullCheck(policyValues: readonly string[], present: boolean): Truth {
  return anyOf(
    policyValues.map((value) => {
      const absent = parseBool(value);
      return absent === undefined ? 'unknown' : absent !== present;
    }),
  );
}

function whenKeyAbsent(operator: ParsedOperator): boolean {
  if (operator.ifExists || operator.set === 'forallvalues') return true;
  if (operator.set === 'foranyvalue') return false;
  return operator.negated;
}

/** One request value against the policy's values: OR for a positive operator, NOR for a negated one. */
function testValue(
  operator: ParsedOperator,
  requestValue: string,
  condition: PolicyCondition,
  variables: Variables,
): Truth {
  const matched = anyOf(condition.values.map((value) => operator.compare(requestValue, value, variables)));
  return operator.negated ? negate(matched) : matched;
}

/**
 * Without a set operator, IAM expects a single-valued key ("multivalued context keys require a condition set
 * operator") and does not document what a plain operator does with several request values. Where every value
 * gives the same answer all readings (any, all) agree; where they differ the answer is unknown, which fails
 * closed (an Allow does not apply, a Deny does).
 */
function unanimous(truths: readonly Truth[]): Truth {
  const first = truths[0]!;
  return truths.every((truth) => truth === first) ? first : 'unknown';
}

export function evaluateCondition(condition: PolicyCondition, variables: Variables): Truth {
  if (condition.values.length === 0) return 'unknown';
  const requestValues = variables.context.get(condition.key.toLowerCase()) ?? [];
  if (condition.operator.toLowerCase() === 'null') return nullCheck(condition.values, requestValues.length > 0);
  const operator = parseOperator(condition.operator);
  if (!operator) return 'unknown';
  if (requestValues.length === 0) return whenKeyAbsent(operator);
  const perValue = requestValues.map((value) => testValue(operator, value, condition, variables));
  if (operator.set === 'forallvalues') return allOf(perValue);
  if (operator.set === 'foranyvalue') return anyOf(perValue);
  return unanimous(perValue);
}

/** All of a statement's conditions, AND-ed; no conditions is true. */
export function evaluateConditions(conditions: readonly PolicyCondition[], variables: Variables): Truth {
  return allOf(conditions.map((condition) => evaluateCondition(condition, variables)));
}
