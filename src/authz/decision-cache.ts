/**
 * Decisions remembered, so that a caller repeating the same call on the same key does not evaluate the same
 * policies again. A decision is a pure function of its inputs: the caller's ARN (which names its account) and role, the
 * action and resource, the resource policy's text and kind, the identity's policy documents, and the values of
 * the condition keys evaluation read. An entry keeps every one of them, the keys with the values read, and
 * answers a later call only when each is the same again. So nothing is ever invalidated, because nothing
 * stale can match: a changed key policy or identity policy is another text or document, and a changed tag,
 * time or encryption context is another value of a key that was read (a key no policy reads cannot change a
 * decision). Grants are not part of a decision; they are read on every call the policies deny.
 */
import type { Caller } from '../shared/caller.js';
import { type AccessCheck, type Decision, decide } from './decide.js';
import type { Identity } from './identity.js';
import { type ConditionLookup, withActionConditions } from './request-context.js';

type Read = readonly [name: string, values: readonly string[] | undefined];

/** What a decision depends on besides the caller's ARN, the action, the resource and the condition values. */
interface PolicyInputs {
  readonly roleArn: string | undefined;
  readonly resourcePolicy: string | undefined;
  readonly resourcePolicyKind: AccessCheck['resourcePolicyKind'];
  readonly policies: Identity['policies'];
  readonly sessionPolicy: Identity['sessionPolicy'];
}

interface Remembered {
  readonly inputs: PolicyInputs;
  readonly reads: readonly Read[];
  readonly decision: Decision;
}

/**
 * Calls (caller, action, resource) remembered, and per call the last few decisions under its current policies
 * (different condition values: an encryption context, a tag, the time). Memory stays bounded whoever writes
 * the policies: a decision that read more than a few keys is not remembered (it would rarely match again and
 * could hold thousands of reads), and a call whose policies changed forgets its decisions under the old ones,
 * so each call holds one version of its policy texts.
 */
const CAPACITY = 4_096;
const VARIANTS = 4;
const MAX_READS = 32;
const remembered = new Map<string, Remembered[]>();

/** Passes every read through, noting the key and the values it gave (an absent key counts: Null reads it). */
class RecordingLookup implements ConditionLookup {
  readonly reads: Read[] = [];

  constructor(private readonly inner: ConditionLookup) {}

  get(name: string): readonly string[] | undefined {
    const values = this.inner.get(name);
    this.reads.push([name, values]);
    return values;
  }
}

function sameValues(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function samePolicies(a: Identity['policies'], b: Identity['policies']): boolean {
  if (a === 'root' || b === 'root') return a === b;
  return a.length === b.length && a.every((policy, index) => policy === b[index]);
}

function sameInputs(a: PolicyInputs, b: PolicyInputs): boolean {
  return (
    a.roleArn === b.roleArn &&
    a.resourcePolicy === b.resourcePolicy &&
    a.resourcePolicyKind === b.resourcePolicyKind &&
    a.sessionPolicy === b.sessionPolicy &&
    samePolicies(a.policies, b.policies)
  );
}

function matches(entry: Remembered, inputs: PolicyInputs, context: ConditionLookup): boolean {
  return (
    sameInputs(entry.inputs, inputs) && entry.reads.every(([name, values]) => sameValues(context.get(name), values))
  );
}

function remember(callKey: string, entry: Remembered): void {
  if (entry.reads.length > MAX_READS) return;
  const variants = remembered.get(callKey);
  // Variants of a call share their policy inputs: the first one speaks for all.
  if (variants?.[0] !== undefined && sameInputs(variants[0].inputs, entry.inputs)) {
    variants.unshift(entry);
    if (variants.length > VARIANTS) variants.pop();
    return;
  }
  if (variants === undefined && remembered.size >= CAPACITY) {
    remembered.delete(remembered.keys().next().value as string);
  }
  remembered.set(callKey, [entry]);
}

/** `decide`, answered from an earlier decision whose every input was the same. */
export function decideRemembering(
  caller: Caller,
  check: AccessCheck,
  requestConditions: ConditionLookup,
  identity: Identity,
): Decision {
  const context = withActionConditions(requestConditions, check.conditions);
  const callKey = `${caller.arn}\u0000${check.action}\u0000${check.resource}`;
  const inputs: PolicyInputs = {
    roleArn: caller.session?.roleArn,
    resourcePolicy: check.resourcePolicy,
    resourcePolicyKind: check.resourcePolicyKind,
    policies: identity.policies,
    sessionPolicy: identity.sessionPolicy,
  };
  const known = remembered.get(callKey)?.find((entry) => matches(entry, inputs, context));
  if (known !== undefined) return known.decision;
  const recording = new RecordingLookup(context);
  const decision = decide(caller, { ...check, conditions: undefined }, recording, identity);
  remember(callKey, { inputs, reads: recording.reads, decision });
  return decision;
}
