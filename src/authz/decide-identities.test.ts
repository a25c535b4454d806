// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in policy text.
/**
 * decide() for IAM users, role sessions and the account root together with their identity policies, session
 * policies, key policies and role trust policies, checked against AWS's documented evaluation logic. Each case
 * names the rule it encodes; the sources are:
 * - [Eval]    IAM User Guide, "Policy evaluation logic" and "Policy evaluation for requests within a single
 *             account": an explicit deny in any policy wins; the resource-based policy and implicit denies
 *             (a policy naming the user or the session itself is not limited by an implicit deny in the identity
 *             policies; one naming the role is limited by the session policy); "IAM role trust policies and KMS
 *             key policies are exceptions ... they must explicitly allow access for principals".
 * - [Session] IAM User Guide, "Session policies": the session's permissions are the intersection of the identity
 *             policies and the session policy; a resource-based policy naming the user or role is capped by the
 *             session policy, one naming the session ARN is not; session policies "do not grant permissions".
 * - [Cross]   IAM User Guide, "Cross-account policy evaluation logic": the resource-based policy of the trusting
 *             account and the identity-based policy of the trusted account must both allow.
 * - [KMS]     KMS Developer Guide, "Key policies" and "Default key policy": without permission from the key
 *             policy IAM policies that allow have no effect, while an IAM policy can deny without it; the
 *             statement naming the account "allows access to the AWS account and enables IAM policies".
 * - [STS]     STS API Reference, AssumeRole: in the same account, naming the user in the trust policy or an
 *             identity policy allowing sts:AssumeRole "as long as the role's trust policy trusts the account";
 *             across accounts the user's identity policy must allow it too.
 * - [Keys]    IAM User Guide, "AWS global condition context keys" and "IAM policy elements: Variables and tags":
 *             aws:username only for IAM users (absent keys make a statement not match), aws:userid, aws:PrincipalType
 *             (Account, User, AssumedRole), aws:PrincipalTag, aws:PrincipalArn ("for IAM roles ... the ARN of the
 *             role").
 * - [Denied]  The wording of AWS's AccessDenied messages ("because no session policy allows the ... action").
 * Where Trent chooses what AWS cannot show (a stored policy that no longer parses), the case says "Trent".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { iamUser, roleSession } from '../../test/support/callers.js';
import type { Caller, PrincipalTag } from '../shared/caller.js';
import { type AccessCheck, type Decision, type DenialReason, decide, denialMessage } from './decide.js';
import { decideRemembering } from './decision-cache.js';
import { type Identity, NO_IDENTITY, ROOT_IDENTITY } from './identity.js';
import type { PolicyDocument } from './policy.js';
import { parsedPolicy } from './policy-cache.js';
import { parsePolicy } from './policy-document.js';
import { type ConditionLookup, globalConditions } from './request-context.js';

// ---------------------------------------------------------------------------------------------------------------
// The cast: account 111122223333 with its root, the users alice and carol, the role ops/Admin with a session
// build-42, the role Deployer (to be assumed); account 444455556666 with its root, the user bob and the role
// Auditor with a session audit-1.
// ---------------------------------------------------------------------------------------------------------------

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const OTHER_ROOT = `arn:aws:iam::${OTHER_ACCOUNT}:root`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const CAROL = `arn:aws:iam::${ACCOUNT}:user/carol`;
const BOB = `arn:aws:iam::${OTHER_ACCOUNT}:user/bob`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ops/Admin`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/build-42`;
const SIBLING_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/build-43`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/Auditor`;
const OTHER_SESSION = `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Auditor/audit-1`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SECOND_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const OTHER_ACCOUNT_KEY = `arn:aws:kms:us-east-1:${OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALIAS = (name: string, account = ACCOUNT) => `arn:aws:kms:us-east-1:${account}:alias/${name}`;

const NOW = Date.UTC(2026, 0, 15, 9, 30);
const SOURCE_IP = '192.0.2.10';

const callers = {
  root: { accountId: ACCOUNT, arn: ROOT, type: 'Root', principalId: ACCOUNT, accessKeyId: 'AKIAROOTEXAMPLE00001' },
  otherRoot: {
    accountId: OTHER_ACCOUNT,
    arn: OTHER_ROOT,
    type: 'Root',
    principalId: OTHER_ACCOUNT,
    accessKeyId: 'AKIAROOTEXAMPLE00002',
  },
  alice: iamUser(ACCOUNT, 'alice', 'AIDAALICEEXAMPLE0001'),
  bob: iamUser(OTHER_ACCOUNT, 'bob', 'AIDABOBEXAMPLE000001'),
  session: roleSession(ROLE, 'AROAADMINEXAMPLE0001', 'build-42'),
  otherSession: roleSession(OTHER_ROLE, 'AROAAUDITOREXAMPLE01', 'audit-1'),
} satisfies Record<string, Caller>;

type CallerName = keyof typeof callers;

// ---------------------------------------------------------------------------------------------------------------
// Policies, written as their JSON would be.
// ---------------------------------------------------------------------------------------------------------------

type Statement = Readonly<Record<string, unknown>>;
type Effect = 'Allow' | 'Deny';

const policyText = (statements: readonly Statement[], version = '2012-10-17') =>
  JSON.stringify({ Version: version, Statement: statements });

/** An identity or session policy statement: no Principal. */
const can = (effect: Effect, action: string | readonly string[], resource: string | readonly string[] = '*') => ({
  Effect: effect,
  Action: action,
  Resource: resource,
});
const allow = (action: string | readonly string[], resource?: string | readonly string[], more: Statement = {}) => ({
  ...can('Allow', action, resource),
  ...more,
});
const deny = (action: string | readonly string[], resource?: string | readonly string[], more: Statement = {}) => ({
  ...can('Deny', action, resource),
  ...more,
});

/** An identity (or session) policy as authorization reads it, validated as IAM would on PutUserPolicy. */
const idPolicy = (...statements: Statement[]): PolicyDocument => parsePolicy(policyText(statements), 'identity');

/** A key-policy statement naming AWS principals ('*' for everyone). */
function names(effect: Effect, who: string | readonly string[], action = 'kms:*', more: Statement = {}): Statement {
  return { Effect: effect, Principal: who === '*' ? '*' : { AWS: who }, Action: action, Resource: '*', ...more };
}
const keyPolicy = (...statements: Statement[]) => policyText(statements);

/** The default key policy: "allows access to the AWS account and enables IAM policies". */
const DEFAULT_KEY_POLICY = keyPolicy(names('Allow', ROOT, 'kms:*', { Sid: 'Enable IAM User Permissions' }));

/** A trust-policy statement: a Principal, sts:AssumeRole, no Resource. */
function trusts(effect: Effect, who: string | readonly string[], more: Statement = {}): Statement {
  return { Effect: effect, Principal: { AWS: who }, Action: 'sts:AssumeRole', ...more };
}
const trustPolicy = (...statements: Statement[]) => policyText(statements);

// ---------------------------------------------------------------------------------------------------------------
// Identities.
// ---------------------------------------------------------------------------------------------------------------

const withPolicies = (...policies: (PolicyDocument | null)[]): Identity => ({ policies, principalTags: [] });
const withSession = (identity: Identity, sessionPolicy: PolicyDocument | null): Identity => ({
  ...identity,
  sessionPolicy,
});
const tagged = (identity: Identity, ...tags: [string, string][]): Identity => ({
  ...identity,
  principalTags: tags.map(([key, value]): PrincipalTag => ({ key, value })),
});

const ALLOWS_DECRYPT = idPolicy(allow('kms:Decrypt', KEY));
const ALLOWS_KMS = idPolicy(allow('kms:*'));
const ALLOWS_ENCRYPT = idPolicy(allow('kms:Encrypt', KEY));
const DENIES_DECRYPT = idPolicy(deny('kms:Decrypt'));
const ALLOWS_ASSUME_DEPLOYER = idPolicy(allow('sts:AssumeRole', DEPLOYER));

// ---------------------------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------------------------

interface Case {
  readonly name: string;
  readonly caller: CallerName;
  readonly check: AccessCheck;
  readonly identity?: Identity;
  readonly expected: 'allow' | DenialReason;
  /** The Sid of the resource-policy statement expected to decide. */
  readonly decidedBy?: string;
  /** Set where decide disagrees with AWS's documented behaviour: what differs and where AWS documents it. */
  readonly todo?: string;
}

const decrypt = (resourcePolicy: string, resource = KEY): AccessCheck => ({
  action: 'kms:Decrypt',
  resource,
  resourcePolicy,
});
const unowned = (action: string, resource = '*'): AccessCheck => ({ action, resource });
const assumeDeployer = (resourcePolicy: string, conditions?: ReadonlyMap<string, readonly string[]>): AccessCheck => ({
  action: 'sts:AssumeRole',
  resource: DEPLOYER,
  resourcePolicy,
  resourcePolicyKind: 'trust',
  ...(conditions ? { conditions } : {}),
});

const usersAndKeyPolicies: readonly Case[] = [
  {
    name: '[KMS] default key policy enables IAM policies: a user whose identity policy allows the action',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
    decidedBy: 'Enable IAM User Permissions',
  },
  {
    name: '[KMS] default key policy allows nobody by itself: a user without identity policies',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[KMS] default key policy: an identity policy allowing only another action',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_ENCRYPT),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[KMS] default key policy: an identity policy allowing only another key',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(idPolicy(allow('kms:Decrypt', SECOND_KEY))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[KMS] default key policy: an identity policy allowing every key of the account by wildcard',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(idPolicy(allow('kms:Decrypt', `arn:aws:kms:*:${ACCOUNT}:key/*`))),
    expected: 'allow',
  },
  {
    name: '[KMS] the account named by its bare id enables IAM policies like its root ARN',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ACCOUNT))),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
  },
  {
    name: '[Eval] any one of several identity policies allowing is enough',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_ENCRYPT, ALLOWS_DECRYPT),
    expected: 'allow',
  },
  {
    name: '[Eval] a key policy naming the user allows it without any identity policy (same account)',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ALICE, 'kms:Decrypt', { Sid: 'Key users' }))),
    identity: NO_IDENTITY,
    expected: 'allow',
    decidedBy: 'Key users',
  },
  {
    name: '[Eval] a key policy naming the user is not limited by an implicit deny in its identity policies',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ALICE, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_ENCRYPT),
    expected: 'allow',
  },
  {
    name: '[Eval] the statement naming the user decides over the one naming its account',
    caller: 'alice',
    check: decrypt(
      keyPolicy(
        names('Allow', ROOT, 'kms:*', { Sid: 'Enable IAM User Permissions' }),
        names('Allow', ALICE, 'kms:Decrypt', { Sid: 'Key users' }),
      ),
    ),
    identity: NO_IDENTITY,
    expected: 'allow',
    decidedBy: 'Key users',
  },
  {
    name: '[Eval] a key policy naming the user for another action only allows nothing else',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ALICE, 'kms:Encrypt'))),
    identity: NO_IDENTITY,
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[KMS] a key policy naming someone else only: IAM policies that allow have no effect',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', CAROL))),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: "[KMS] a key policy naming only another account: this account's IAM policies have no effect",
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROOT))),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Eval] a key policy allowing everyone ("*") allows a user of the same account without identity policies',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', '*', 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Eval] an explicit Deny for the user in the key policy beats the identity policy',
    caller: 'alice',
    check: decrypt(
      keyPolicy(names('Allow', ROOT), names('Deny', ALICE, 'kms:Decrypt', { Sid: 'No decrypt for alice' })),
    ),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'explicit-deny-in-resource-policy',
    decidedBy: 'No decrypt for alice',
  },
  {
    name: '[Eval] an explicit Deny for everyone in the key policy beats its own Allow naming the user',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ALICE), names('Deny', '*', 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: '[Eval] a key policy Deny for someone else does not touch the user',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ROOT), names('Deny', CAROL, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
  },
  {
    name: '[Eval] a Deny in the identity policy beats a key policy naming the user',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ALICE))),
    identity: withPolicies(DENIES_DECRYPT),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[Eval] a Deny in one identity policy beats an Allow in another',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_KMS, DENIES_DECRYPT),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[KMS] an IAM policy can deny without permission from the key policy',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', CAROL))),
    identity: withPolicies(DENIES_DECRYPT),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[Eval] an identity-policy Deny for another action leaves this one allowed',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(idPolicy(allow('kms:*'), deny('kms:ScheduleKeyDeletion'))),
    expected: 'allow',
  },
  {
    name: '[Eval] a NotAction Deny in the identity policy denies everything it does not list',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_KMS, idPolicy({ Effect: 'Deny', NotAction: 'kms:Encrypt', Resource: '*' })),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[Eval] both the key policy and the identity policy deny: denied (Trent names the key policy)',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ROOT), names('Deny', '*', 'kms:Decrypt'))),
    identity: withPolicies(DENIES_DECRYPT),
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: '[KMS] a key policy that does not parse allows nothing (Trent fails closed)',
    caller: 'alice',
    check: decrypt('{"Version": "2012-10-17", "Statement": '),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[KMS] the account root is allowed by a key policy naming its account, without identity policies',
    caller: 'root',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: ROOT_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[KMS] the account root is bound by the key policy too: one naming only a user leaves it out',
    caller: 'root',
    check: decrypt(keyPolicy(names('Allow', ALICE))),
    identity: ROOT_IDENTITY,
    expected: 'no-resource-policy-allows',
  },
];

const unparsableIdentities: readonly Case[] = [
  {
    name: 'Trent: a stored identity policy that no longer parses denies, even where the key policy names the user',
    caller: 'alice',
    check: decrypt(keyPolicy(names('Allow', ALICE))),
    identity: withPolicies(null),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: 'Trent: an unparsable identity policy beside one that allows still denies',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_KMS, null),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: 'Trent: an unparsable identity policy denies operations without a resource policy',
    caller: 'alice',
    check: unowned('kms:CreateKey'),
    identity: withPolicies(null, ALLOWS_KMS),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: "Trent: an unparsable role policy denies the role's sessions, even where the key policy names the role",
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE))),
    identity: withPolicies(null),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: 'Trent: an unparsable session policy denies, even where the key policy names the session itself',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', SESSION))),
    identity: withSession(NO_IDENTITY, null),
    expected: 'explicit-deny-in-session-policy',
  },
  {
    name: 'Trent: an unparsable session policy denies what the role policy and the key policy allow',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withSession(withPolicies(ALLOWS_KMS), null),
    expected: 'explicit-deny-in-session-policy',
  },
  {
    name: 'Trent: an unparsable session policy denies operations without a resource policy',
    caller: 'session',
    check: unowned('kms:CreateKey'),
    identity: withSession(withPolicies(ALLOWS_KMS), null),
    expected: 'explicit-deny-in-session-policy',
  },
];

const sessionOnlyDecrypt = idPolicy(allow('kms:Decrypt'));
const sessionOnlyEncrypt = idPolicy(allow('kms:Encrypt'));

const roleSessions: readonly Case[] = [
  {
    name: '[Eval] a key policy naming the role allows its sessions without identity policies (same account)',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE, 'kms:Decrypt', { Sid: 'Role' }))),
    identity: NO_IDENTITY,
    expected: 'allow',
    decidedBy: 'Role',
  },
  {
    name: '[Eval] a key policy naming the session ARN allows that session',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', SESSION, 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Eval] a key policy naming another session of the same role does not allow this one',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', SIBLING_SESSION, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: "[Eval] a key policy naming another role does not allow this role's sessions",
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', DEPLOYER))),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[KMS] default key policy: a session whose role policy allows the action',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
  },
  {
    name: '[KMS] default key policy: a session whose role has no identity policies',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Session] the role policy and the session policy both allow: allowed',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withSession(withPolicies(ALLOWS_KMS), sessionOnlyDecrypt),
    expected: 'allow',
  },
  {
    name: '[Session] the session policy caps the role policy: what it does not allow is denied',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withSession(withPolicies(ALLOWS_KMS), sessionOnlyEncrypt),
    expected: 'no-session-policy-allows',
  },
  {
    name: '[Session] a session policy grants nothing: allowing more than the role policy adds nothing',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withSession(withPolicies(ALLOWS_ENCRYPT), idPolicy(allow('kms:*'))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Session] a session policy grants nothing: a role without identity policies stays without permissions',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withSession(NO_IDENTITY, idPolicy(allow('*'))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Session] a key policy naming the role is capped by the session policy',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE, 'kms:Decrypt', { Sid: 'Role' }))),
    identity: withSession(NO_IDENTITY, sessionOnlyEncrypt),
    expected: 'no-session-policy-allows',
    decidedBy: 'Role',
  },
  {
    name: '[Session] a key policy naming the role, within the session policy: allowed',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE, 'kms:Decrypt'))),
    identity: withSession(NO_IDENTITY, sessionOnlyDecrypt),
    expected: 'allow',
  },
  {
    name: '[Session] a key policy naming the session ARN is not limited by the session policy',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', SESSION, 'kms:Decrypt', { Sid: 'Session' }))),
    identity: withSession(NO_IDENTITY, sessionOnlyEncrypt),
    expected: 'allow',
    decidedBy: 'Session',
  },
  {
    name: '[Session] a key policy naming both the role and the session: the session statement is not capped',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE, 'kms:Decrypt'), names('Allow', SESSION, 'kms:Decrypt'))),
    identity: withSession(NO_IDENTITY, sessionOnlyEncrypt),
    expected: 'allow',
  },
  {
    name: '[Session] a key policy naming the session only for another action gives the session nothing for this one',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROOT), names('Allow', SESSION, 'kms:Encrypt'))),
    identity: withSession(withPolicies(ALLOWS_KMS), sessionOnlyEncrypt),
    expected: 'no-session-policy-allows',
  },
  {
    name: '[Session] a Deny in the session policy wins even over a key policy naming the session',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', SESSION))),
    identity: withSession(NO_IDENTITY, idPolicy(allow('kms:*'), deny('kms:Decrypt'))),
    expected: 'explicit-deny-in-session-policy',
  },
  {
    name: '[Session] a Deny in the session policy wins over the role policy and the key policy',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE))),
    identity: withSession(withPolicies(ALLOWS_KMS), idPolicy(deny('kms:Decrypt'))),
    expected: 'explicit-deny-in-session-policy',
  },
  {
    name: '[Eval] a Deny in the role policy wins over a key policy naming the role',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE))),
    identity: withPolicies(DENIES_DECRYPT),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[Eval] a key policy Deny naming the role denies its sessions',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROOT), names('Deny', ROLE, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: '[Eval] a key policy Deny naming the session denies it',
    caller: 'session',
    check: decrypt(keyPolicy(names('Allow', ROLE), names('Deny', SESSION, 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: '[Eval] a role policy allows a session operations without a resource policy',
    caller: 'session',
    check: unowned('kms:CreateKey'),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'allow',
  },
  {
    name: '[Session] the session policy caps operations without a resource policy',
    caller: 'session',
    check: unowned('kms:CreateKey'),
    identity: withSession(withPolicies(ALLOWS_KMS), sessionOnlyDecrypt),
    expected: 'no-session-policy-allows',
  },
  {
    name: '[Session] a session policy alone allows no operation without a resource policy',
    caller: 'session',
    check: unowned('kms:CreateKey'),
    identity: withSession(NO_IDENTITY, idPolicy(allow('kms:CreateKey'))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Session] a Deny in the session policy denies operations without a resource policy',
    caller: 'session',
    check: unowned('kms:CreateKey'),
    identity: withSession(withPolicies(ALLOWS_KMS), idPolicy(allow('*'), deny('kms:Create*'))),
    expected: 'explicit-deny-in-session-policy',
  },
];

const withoutResourcePolicies: readonly Case[] = [
  {
    name: '[Eval] only identity policies apply: one allowing kms:CreateKey allows it',
    caller: 'alice',
    check: unowned('kms:CreateKey'),
    identity: withPolicies(idPolicy(allow('kms:CreateKey'))),
    expected: 'allow',
  },
  {
    name: '[Eval] only identity policies apply: without them, implicitly denied',
    caller: 'alice',
    check: unowned('kms:CreateKey'),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Eval] only identity policies apply: an action wildcard allows kms:ListKeys',
    caller: 'alice',
    check: unowned('kms:ListKeys'),
    identity: withPolicies(idPolicy(allow('kms:List*'))),
    expected: 'allow',
  },
  {
    name: '[Eval] only identity policies apply: a key ARN in Resource does not cover the "*" resource',
    caller: 'alice',
    check: unowned('kms:ListKeys'),
    identity: withPolicies(idPolicy(allow('kms:*', KEY))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: "[Eval] an identity policy allows an alias of the caller's own account",
    caller: 'alice',
    check: unowned('kms:CreateAlias', ALIAS('app')),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'allow',
  },
  {
    name: "[Cross] an identity policy alone never reaches another account's alias (no resource policy there)",
    caller: 'alice',
    check: unowned('kms:CreateAlias', ALIAS('app', OTHER_ACCOUNT)),
    identity: withPolicies(idPolicy(allow('*'))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] ${aws:username} in Resource lets a user manage its own access keys',
    caller: 'alice',
    check: unowned('iam:CreateAccessKey', ALICE),
    identity: withPolicies(idPolicy(allow('iam:*AccessKey*', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))),
    expected: 'allow',
  },
  {
    name: "[Keys] ${aws:username} in Resource does not cover another user's access keys",
    caller: 'alice',
    check: unowned('iam:CreateAccessKey', CAROL),
    identity: withPolicies(idPolicy(allow('iam:*AccessKey*', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] a role session has no aws:username, so a Resource built from it matches nothing',
    caller: 'session',
    check: unowned('iam:CreateAccessKey', ALICE),
    identity: withPolicies(idPolicy(allow('iam:*', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] policy variables exist only in 2012-10-17 policies: under 2008-10-17 ${aws:username} is literal',
    caller: 'alice',
    check: unowned('iam:CreateAccessKey', ALICE),
    identity: withPolicies(
      parsePolicy(
        policyText([allow('iam:*', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)], '2008-10-17'),
        'identity',
      ),
    ),
    expected: 'no-identity-policy-allows',
  },
  {
    name: "[Cross] an identity policy allowing iam:* on '*' does not reach a user of another account",
    caller: 'alice',
    check: unowned('iam:GetUser', BOB),
    identity: withPolicies(idPolicy(allow('iam:*'))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: "[Eval] a role policy allows the session's own role to be read",
    caller: 'session',
    check: unowned('iam:GetRole', ROLE),
    identity: withPolicies(idPolicy(allow('iam:GetRole', ROLE))),
    expected: 'allow',
  },
  {
    name: '[Eval] the account root holds every permission in its own account: an operation without a resource',
    caller: 'root',
    check: unowned('kms:CreateKey'),
    identity: ROOT_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Eval] the account root holds every permission in its own account: an IAM user of the account',
    caller: 'root',
    check: unowned('iam:DeleteUser', ALICE),
    identity: ROOT_IDENTITY,
    expected: 'allow',
  },
  {
    name: "[Cross] the account root has nothing in another account without that account's resource policy",
    caller: 'root',
    check: unowned('iam:DeleteUser', BOB),
    identity: ROOT_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
];

const crossAccount: readonly Case[] = [
  {
    name: "[Cross] a key policy naming the caller's account and the caller's identity policy both allow",
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROOT, 'kms:Decrypt', { Sid: 'Partner' }))),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
    decidedBy: 'Partner',
  },
  {
    name: "[Cross] a key policy naming the caller's account, without the caller's identity policy",
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROOT, 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Cross] a key policy naming the user itself still needs its identity policy across accounts',
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', BOB, 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Cross] a key policy naming the user and its identity policy allowing the key: allowed',
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', BOB, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
  },
  {
    name: "[Cross] the caller's identity policy must allow this very key",
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROOT, 'kms:Decrypt'))),
    identity: withPolicies(idPolicy(allow('kms:Decrypt', SECOND_KEY))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: "[Cross] a key policy not naming the caller's account: its identity policy is not enough",
    caller: 'bob',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Cross] a key policy allowing everyone ("*") still needs the identity policy across accounts',
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', '*', 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Cross] an explicit Deny in the key policy for the other account',
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROOT), names('Deny', OTHER_ROOT, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: "[Cross] an explicit Deny in the caller's identity policy",
    caller: 'bob',
    check: decrypt(keyPolicy(names('Allow', BOB))),
    identity: withPolicies(ALLOWS_KMS, DENIES_DECRYPT),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: "[Cross] another account's root, named by the key policy: allowed (it holds every permission at home)",
    caller: 'otherRoot',
    check: decrypt(keyPolicy(names('Allow', OTHER_ACCOUNT, 'kms:Decrypt'))),
    identity: ROOT_IDENTITY,
    expected: 'allow',
  },
  {
    name: "[Cross] another account's root, not named by the key policy",
    caller: 'otherRoot',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: ROOT_IDENTITY,
    expected: 'no-resource-policy-allows',
  },
  {
    name: "[Cross] a key policy naming another account's role, whose policy allows the key",
    caller: 'otherSession',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROLE, 'kms:Decrypt'))),
    identity: withPolicies(ALLOWS_DECRYPT),
    expected: 'allow',
  },
  {
    name: "[Cross] a key policy naming another account's role, whose policy does not",
    caller: 'otherSession',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROLE, 'kms:Decrypt'))),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Cross][Session] a key policy naming the role across accounts is capped by the session policy',
    caller: 'otherSession',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROLE, 'kms:Decrypt'))),
    identity: withSession(withPolicies(ALLOWS_DECRYPT), sessionOnlyEncrypt),
    expected: 'no-session-policy-allows',
  },
  {
    name: "[Cross][Session] the trusted account's side is the role policy and the session policy together",
    caller: 'otherSession',
    check: decrypt(keyPolicy(names('Allow', OTHER_ROOT, 'kms:Decrypt'))),
    identity: withSession(withPolicies(ALLOWS_DECRYPT), sessionOnlyDecrypt),
    expected: 'allow',
  },
  {
    name: "[Cross][Session][Denied] a key policy naming the session across accounts: the session policy's implicit deny is why",
    caller: 'otherSession',
    check: decrypt(keyPolicy(names('Allow', OTHER_SESSION, 'kms:Decrypt'))),
    identity: withSession(withPolicies(ALLOWS_DECRYPT), sessionOnlyEncrypt),
    expected: 'no-session-policy-allows',
  },
];

const externalId = (value: string) => new Map([['sts:externalid', [value]]]);

const trustPolicies: readonly Case[] = [
  {
    name: '[STS] a trust policy naming the user lets it assume the role without an identity policy',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', ALICE, { Sid: 'Alice' }))),
    identity: NO_IDENTITY,
    expected: 'allow',
    decidedBy: 'Alice',
  },
  {
    name: '[STS] a trust policy naming the account: the user needs an identity policy allowing sts:AssumeRole',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROOT))),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[STS] a trust policy naming the account and an identity policy allowing sts:AssumeRole on the role',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROOT))),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'allow',
  },
  {
    name: '[STS] a trust policy naming the account and an identity policy allowing only another role',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROOT))),
    identity: withPolicies(idPolicy(allow('sts:AssumeRole', ROLE))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Eval] trust policies must explicitly allow: naming someone else, the identity policy is not enough',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', CAROL))),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Eval] a trust policy naming only a service principal does not let a user assume the role',
    caller: 'alice',
    check: assumeDeployer(
      trustPolicy({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ),
    identity: withPolicies(idPolicy(allow('sts:*'))),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Eval] an explicit Deny in the trust policy beats its Allow',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROOT), trusts('Deny', ALICE))),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: '[Eval] an explicit Deny of sts:AssumeRole in the identity policy beats a trust policy naming the user',
    caller: 'alice',
    check: assumeDeployer(trustPolicy(trusts('Allow', ALICE))),
    identity: withPolicies(idPolicy(deny('sts:AssumeRole'))),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[STS] cross-account: a trust policy naming the user is not enough without its identity policy',
    caller: 'bob',
    check: assumeDeployer(trustPolicy(trusts('Allow', BOB))),
    identity: NO_IDENTITY,
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[STS] cross-account: a trust policy naming the account and the identity policy allowing the role',
    caller: 'bob',
    check: assumeDeployer(trustPolicy(trusts('Allow', OTHER_ACCOUNT))),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'allow',
  },
  {
    name: '[STS] cross-account: the identity policy alone, with a trust policy that trusts only the own account',
    caller: 'bob',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROOT))),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[STS] a trust policy naming a role lets its sessions assume it (role chaining), same account',
    caller: 'session',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROLE))),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: "[STS][Session] a session's session policy caps a trust policy that names its role",
    caller: 'session',
    check: assumeDeployer(trustPolicy(trusts('Allow', ROLE))),
    identity: withSession(NO_IDENTITY, sessionOnlyDecrypt),
    expected: 'no-session-policy-allows',
  },
  {
    name: '[STS] the sts:ExternalId the trust policy requires, supplied',
    caller: 'bob',
    check: assumeDeployer(
      trustPolicy(trusts('Allow', OTHER_ACCOUNT, { Condition: { StringEquals: { 'sts:ExternalId': 'ticket-7' } } })),
      externalId('ticket-7'),
    ),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'allow',
  },
  {
    name: '[STS] the sts:ExternalId the trust policy requires, wrong',
    caller: 'bob',
    check: assumeDeployer(
      trustPolicy(trusts('Allow', OTHER_ACCOUNT, { Condition: { StringEquals: { 'sts:ExternalId': 'ticket-7' } } })),
      externalId('ticket-8'),
    ),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'no-resource-policy-allows',
  },
  {
    name: 'Trent: a trust policy with a Resource element is not a trust policy, so it allows nothing',
    caller: 'alice',
    check: assumeDeployer(trustPolicy({ ...trusts('Allow', ALICE), Resource: DEPLOYER })),
    identity: withPolicies(ALLOWS_ASSUME_DEPLOYER),
    expected: 'no-resource-policy-allows',
  },
];

const onTeam = (team: string) => ({ Condition: { StringEquals: { 'aws:PrincipalTag/team': team } } });
const everyoneIf = (condition: Statement) => keyPolicy(names('Allow', '*', 'kms:Decrypt', { Condition: condition }));
const ownerIsCaller = idPolicy(
  allow('kms:Encrypt', KEY, { Condition: { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } }),
);
const encryptFor = (owner: string): AccessCheck => ({
  action: 'kms:Encrypt',
  resource: KEY,
  resourcePolicy: DEFAULT_KEY_POLICY,
  conditions: new Map([['kms:encryptioncontext:owner', [owner]]]),
});
const teamAliases = idPolicy(
  allow('kms:CreateAlias', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/\${aws:PrincipalTag/team}-*`),
);

const identityConditionKeys: readonly Case[] = [
  {
    name: '[Keys] aws:PrincipalTag: the user carries the tag the identity policy requires',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: tagged(withPolicies(idPolicy(allow('kms:Decrypt', KEY, onTeam('blue')))), ['team', 'blue']),
    expected: 'allow',
  },
  {
    name: '[Keys] aws:PrincipalTag: another value of the tag',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: tagged(withPolicies(idPolicy(allow('kms:Decrypt', KEY, onTeam('blue')))), ['team', 'red']),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] aws:PrincipalTag: an untagged user lacks the key, so the condition fails',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(idPolicy(allow('kms:Decrypt', KEY, onTeam('blue')))),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] aws:PrincipalTag: condition key names are case-insensitive (aws:PrincipalTag/Team, tag "team")',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: tagged(
      withPolicies(
        idPolicy(allow('kms:Decrypt', KEY, { Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'blue' } } })),
      ),
      ['team', 'blue'],
    ),
    expected: 'allow',
  },
  {
    name: '[Keys] aws:PrincipalTag: StringEquals compares the tag value case-sensitively',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: tagged(withPolicies(idPolicy(allow('kms:Decrypt', KEY, onTeam('blue')))), ['team', 'Blue']),
    expected: 'no-identity-policy-allows',
  },
  {
    name: "[Keys] aws:PrincipalTag: a session's tags feed the role policy's condition",
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: tagged(withPolicies(idPolicy(allow('kms:Decrypt', KEY, onTeam('blue')))), ['team', 'blue']),
    expected: 'allow',
  },
  {
    name: '[Keys] aws:PrincipalTag in a key policy: everyone on the team, no identity policy needed',
    caller: 'alice',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalAccount': ACCOUNT } })),
    identity: tagged(NO_IDENTITY, ['team', 'blue']),
    expected: 'allow',
  },
  {
    name: '[Keys] aws:PrincipalTag in an identity-policy Deny: the tagged user is denied',
    caller: 'alice',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: tagged(withPolicies(ALLOWS_KMS, idPolicy(deny('kms:Decrypt', '*', onTeam('contractors')))), [
      'team',
      'contractors',
    ]),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[Keys] ${aws:PrincipalTag/team} in Resource: an alias with the team prefix',
    caller: 'alice',
    check: unowned('kms:CreateAlias', ALIAS('blue-app')),
    identity: tagged(withPolicies(teamAliases), ['team', 'blue']),
    expected: 'allow',
  },
  {
    name: "[Keys] ${aws:PrincipalTag/team} in Resource: another team's alias",
    caller: 'alice',
    check: unowned('kms:CreateAlias', ALIAS('red-app')),
    identity: tagged(withPolicies(teamAliases), ['team', 'blue']),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] ${aws:PrincipalTag/team} in Resource: an untagged user resolves the variable to nothing',
    caller: 'alice',
    check: unowned('kms:CreateAlias', ALIAS('blue-app')),
    identity: withPolicies(teamAliases),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] aws:username in a key policy condition: the named user',
    caller: 'alice',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:username': 'alice' } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Keys] aws:username is not present for a role session, so the condition fails',
    caller: 'session',
    check: decrypt(everyoneIf({ StringLike: { 'aws:username': '*' } })),
    identity: NO_IDENTITY,
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Keys] ${aws:username} in a condition: the encryption context names the caller',
    caller: 'alice',
    check: encryptFor('alice'),
    identity: withPolicies(ownerIsCaller),
    expected: 'allow',
  },
  {
    name: '[Keys] ${aws:username} in a condition: the encryption context names someone else',
    caller: 'alice',
    check: encryptFor('carol'),
    identity: withPolicies(ownerIsCaller),
    expected: 'no-identity-policy-allows',
  },
  {
    name: '[Keys] aws:userid of a role session is role-id:session-name',
    caller: 'session',
    check: decrypt(everyoneIf({ StringLike: { 'aws:userid': 'AROAADMINEXAMPLE0001:*' } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Keys] aws:userid of a user is its unique id, so a role-id pattern misses it',
    caller: 'alice',
    check: decrypt(everyoneIf({ StringLike: { 'aws:userid': 'AROAADMINEXAMPLE0001:*' } })),
    identity: NO_IDENTITY,
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Keys] aws:userid of a user equals its unique id',
    caller: 'alice',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:userid': 'AIDAALICEEXAMPLE0001' } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Keys] aws:userid of the account root is the account id',
    caller: 'root',
    check: decrypt(
      keyPolicy(
        names('Allow', ALICE),
        names('Deny', '*', 'kms:Decrypt', { Condition: { StringEquals: { 'aws:userid': ACCOUNT } } }),
      ),
    ),
    identity: ROOT_IDENTITY,
    expected: 'explicit-deny-in-resource-policy',
  },
  {
    name: "[Keys] aws:PrincipalType is 'User' for an IAM user",
    caller: 'alice',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:PrincipalType': 'User' } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: "[Keys] aws:PrincipalType is 'AssumedRole' for a role session, not 'User'",
    caller: 'session',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:PrincipalType': 'User' } })),
    identity: NO_IDENTITY,
    expected: 'no-resource-policy-allows',
  },
  {
    name: "[Keys] aws:PrincipalType is 'AssumedRole' for a role session",
    caller: 'session',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:PrincipalType': 'AssumedRole' } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: "[Keys] aws:PrincipalType is 'Account' for the account root",
    caller: 'root',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:PrincipalType': 'Account' } })),
    identity: ROOT_IDENTITY,
    expected: 'allow',
  },
  {
    name: '[Keys] aws:PrincipalType in a role-policy Deny: no Decrypt from role sessions',
    caller: 'session',
    check: decrypt(DEFAULT_KEY_POLICY),
    identity: withPolicies(
      ALLOWS_KMS,
      idPolicy(deny('kms:Decrypt', '*', { Condition: { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } } })),
    ),
    expected: 'explicit-deny-in-identity-policy',
  },
  {
    name: '[Keys] aws:PrincipalAccount: a key policy for everyone in this account leaves other accounts out',
    caller: 'bob',
    check: decrypt(everyoneIf({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT } })),
    identity: withPolicies(ALLOWS_KMS),
    expected: 'no-resource-policy-allows',
  },
  {
    name: '[Keys] aws:PrincipalArn of a user is its ARN',
    caller: 'alice',
    check: decrypt(everyoneIf({ ArnEquals: { 'aws:PrincipalArn': ALICE } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
  {
    name: "[Keys] aws:PrincipalArn of a role session is the role's ARN, not the session's",
    caller: 'session',
    check: decrypt(everyoneIf({ ArnEquals: { 'aws:PrincipalArn': ROLE } })),
    identity: NO_IDENTITY,
    expected: 'allow',
  },
];

const cases: readonly Case[] = [
  ...usersAndKeyPolicies,
  ...unparsableIdentities,
  ...roleSessions,
  ...withoutResourcePolicies,
  ...crossAccount,
  ...trustPolicies,
  ...identityConditionKeys,
];

/** AWS's AccessDenied wording for each reason, as the expected text (not decide's own table). */
function awsWording(reason: DenialReason, action: string): string {
  switch (reason) {
    case 'no-resource-policy-allows':
      return `because no resource-based policy allows the ${action} action`;
    case 'explicit-deny-in-resource-policy':
      return 'with an explicit deny in a resource-based policy';
    case 'no-identity-policy-allows':
      return `because no identity-based policy allows the ${action} action`;
    case 'explicit-deny-in-identity-policy':
      return 'with an explicit deny in an identity-based policy';
    case 'no-session-policy-allows':
      return `because no session policy allows the ${action} action`;
    case 'explicit-deny-in-session-policy':
      return 'with an explicit deny in a session policy';
  }
}

function identityFor(name: CallerName): Identity {
  return callers[name].type === 'Root' ? ROOT_IDENTITY : NO_IDENTITY;
}

function run(caller: Caller, check: AccessCheck, identity: Identity): Decision {
  return decide(caller, check, globalConditions(caller, SOURCE_IP, NOW, identity.principalTags), identity);
}

describe('decide: identities, sessions and resource policies (table)', () => {
  it('has one distinct name per case and covers every denial reason', () => {
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    assert.ok(cases.length >= 80, `${cases.length} cases`);
    const reasons = new Set(cases.map((c) => c.expected));
    for (const reason of [
      'no-resource-policy-allows',
      'explicit-deny-in-resource-policy',
      'no-identity-policy-allows',
      'explicit-deny-in-identity-policy',
      'no-session-policy-allows',
      'explicit-deny-in-session-policy',
    ] as const) {
      assert.ok(reasons.has(reason), reason);
    }
  });

  for (const c of cases) {
    it(c.name, c.todo === undefined ? {} : { todo: c.todo }, () => {
      const caller = callers[c.caller];
      const decision = run(caller, c.check, c.identity ?? identityFor(c.caller));
      if (c.expected === 'allow') {
        assert.equal(decision.allowed, true, decision.allowed ? '' : `denied: ${decision.reason}`);
      } else {
        assert.equal(decision.allowed, false, 'allowed');
        assert.equal(decision.allowed ? undefined : decision.reason, c.expected);
        assert.equal(
          denialMessage(caller, c.check, c.expected),
          `User: ${caller.arn} is not authorized to perform: ${c.check.action} on resource: ${c.check.resource} ${awsWording(c.expected, c.check.action)}`,
        );
      }
      if (c.decidedBy !== undefined) assert.equal(decision.decidedBy?.sid, c.decidedBy);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Properties over generated scenarios: a caller, its identity policies (some unparsable), maybe a session policy,
// maybe a key policy, and a request, all drawn from a small vocabulary so that statements often apply.
// ---------------------------------------------------------------------------------------------------------------

const conditionPool = fc.constantFrom<Statement | undefined>(
  undefined,
  undefined,
  { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
  { StringEquals: { 'aws:PrincipalType': 'User' } },
  { StringLike: { 'aws:userid': 'AROA*' } },
  { StringEquals: { 'aws:username': 'alice' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
  { DateLessThan: { 'aws:CurrentTime': '2026-01-15T09:30:30Z' } },
  { Null: { 'aws:PrincipalTag/team': 'true' } },
);

const statementShape = fc.record({
  effect: fc.constantFrom<Effect>('Allow', 'Allow', 'Deny'),
  principal: fc.constantFrom<string | readonly string[]>('*', ROOT, ALICE, ROLE, SESSION, OTHER_ROOT, BOB, OTHER_ROLE, [
    ROOT,
    OTHER_ROOT,
  ]),
  action: fc.constantFrom<string | readonly string[]>('kms:*', 'kms:Decrypt', 'kms:Encrypt', 'kms:Create*', '*', [
    'iam:*',
    'kms:Decrypt',
  ]),
  notAction: fc.boolean(),
  resource: fc.constantFrom(
    '*',
    '*',
    KEY,
    OTHER_ACCOUNT_KEY,
    `arn:aws:kms:*:${ACCOUNT}:key/*`,
    `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`,
  ),
  condition: conditionPool,
});
type StatementShape = typeof statementShape extends fc.Arbitrary<infer T> ? T : never;

/** The statement as JSON: with its Principal in a key policy, without it in an identity or session policy. */
function statementJson(shape: StatementShape, withPrincipal: boolean): Statement {
  return {
    Effect: shape.effect,
    ...(withPrincipal ? { Principal: shape.principal === '*' ? '*' : { AWS: shape.principal } } : {}),
    [shape.notAction ? 'NotAction' : 'Action']: shape.action,
    Resource: withPrincipal ? '*' : shape.resource,
    ...(shape.condition === undefined ? {} : { Condition: shape.condition }),
  };
}

type Shapes = readonly StatementShape[];

interface Scenario {
  readonly caller: CallerName;
  readonly action: string;
  readonly resource: string;
  /** undefined: no resource policy; null: one that no longer parses. */
  readonly keyPolicy: Shapes | null | undefined;
  /** null: a stored policy that no longer parses. Ignored for the account root. */
  readonly identityPolicies: readonly (Shapes | null)[];
  readonly sessionPolicy: Shapes | null | undefined;
  readonly onTeamBlue: boolean;
  /** Seconds after NOW: aws:CurrentTime moves while everything else stays. */
  readonly later: number;
}

const shapes = fc.array(statementShape, { minLength: 1, maxLength: 4 });

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  caller: fc.constantFrom<CallerName>('alice', 'alice', 'session', 'session', 'bob', 'otherSession', 'root'),
  action: fc.constantFrom('kms:Decrypt', 'kms:Encrypt', 'kms:CreateKey', 'iam:CreateAccessKey'),
  resource: fc.constantFrom(KEY, KEY, OTHER_ACCOUNT_KEY, '*', ALICE),
  keyPolicy: fc.option(fc.option(shapes, { nil: null, freq: 10 }), { nil: undefined, freq: 3 }),
  identityPolicies: fc.array(fc.option(shapes, { nil: null, freq: 12 }), { maxLength: 3 }),
  sessionPolicy: fc.option(fc.option(shapes, { nil: null, freq: 10 }), { nil: undefined, freq: 2 }),
  onTeamBlue: fc.boolean(),
  later: fc.constantFrom(0, 0, 60),
});

const UNPARSABLE = '{"Version": "2012-10-17", "Statement": [';

/** An identity-side policy: parsed as a stored one would be (once per text); without statements it is an empty document. */
function identityDocument(policy: Shapes | null): PolicyDocument | null {
  if (policy === null) return null;
  if (policy.length === 0) return EMPTY_DOCUMENT;
  return parsedPolicy(policyText(policy.map((shape) => statementJson(shape, false))), 'identity');
}

const EMPTY_DOCUMENT: PolicyDocument = { version: '2012-10-17', statements: [] };

function resourcePolicyText(policy: Shapes | null): string {
  return policy === null ? UNPARSABLE : policyText(policy.map((shape) => statementJson(shape, true)));
}

type Decider = (caller: Caller, check: AccessCheck, conditions: ConditionLookup, identity: Identity) => Decision;

function decideScenario(s: Scenario, decideWith: Decider = decide): Decision {
  const caller = callers[s.caller];
  const principalTags: PrincipalTag[] = s.onTeamBlue ? [{ key: 'team', value: 'blue' }] : [];
  const identity: Identity =
    caller.type === 'Root'
      ? { ...ROOT_IDENTITY, principalTags }
      : {
          policies: s.identityPolicies.map(identityDocument),
          principalTags,
          ...(s.sessionPolicy === undefined ? {} : { sessionPolicy: identityDocument(s.sessionPolicy) }),
        };
  const check: AccessCheck = {
    action: s.action,
    resource: s.resource,
    ...(s.keyPolicy === undefined ? {} : { resourcePolicy: resourcePolicyText(s.keyPolicy) }),
  };
  return decideWith(caller, check, globalConditions(caller, SOURCE_IP, NOW + s.later * 1000, principalTags), identity);
}

/** Which of the scenario's policies a change can target: the key policy, an identity policy, the session policy. */
type Target =
  | { readonly kind: 'key' }
  | { readonly kind: 'identity'; readonly at: number }
  | { readonly kind: 'session' };

function targets(s: Scenario): Target[] {
  const found: Target[] = [];
  if (Array.isArray(s.keyPolicy)) found.push({ kind: 'key' });
  if (callers[s.caller].type !== 'Root') {
    s.identityPolicies.forEach((policy, at) => {
      if (policy !== null) found.push({ kind: 'identity', at });
    });
    if (Array.isArray(s.sessionPolicy)) found.push({ kind: 'session' });
  }
  return found;
}

function policyAt(s: Scenario, target: Target): Shapes {
  if (target.kind === 'key') return s.keyPolicy as Shapes;
  if (target.kind === 'session') return s.sessionPolicy as Shapes;
  return s.identityPolicies[target.at] as Shapes;
}

function replaced(s: Scenario, target: Target, policy: Shapes | null): Scenario {
  if (target.kind === 'key') return { ...s, keyPolicy: policy };
  if (target.kind === 'session') return { ...s, sessionPolicy: policy };
  return { ...s, identityPolicies: s.identityPolicies.map((p, at) => (at === target.at ? policy : p)) };
}

function pick<T>(items: readonly T[], seed: number): T {
  return items[seed % items.length]!;
}

const RUNS = { numRuns: 400 };

describe('decide: properties over generated identities', () => {
  it('generates scenarios that are sometimes allowed and sometimes denied for each reason', () => {
    const seen = new Set(
      fc.sample(scenarioArbitrary, { numRuns: 2_000, seed: 7 }).map((s) => {
        const decision = decideScenario(s);
        return decision.allowed ? 'allow' : decision.reason;
      }),
    );
    assert.deepEqual([...seen].sort(), [
      'allow',
      'explicit-deny-in-identity-policy',
      'explicit-deny-in-resource-policy',
      'explicit-deny-in-session-policy',
      'no-identity-policy-allows',
      'no-resource-policy-allows',
      'no-session-policy-allows',
    ]);
  });

  it('adding a Deny statement to any one policy never turns a denial into an allow', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.nat(), statementShape, fc.nat(), (s, which, shape, at) => {
        const found = targets(s);
        fc.pre(found.length > 0 && !decideScenario(s).allowed);
        const target = pick(found, which);
        const statements = [...policyAt(s, target)];
        statements.splice(at % (statements.length + 1), 0, { ...shape, effect: 'Deny' });
        assert.equal(decideScenario(replaced(s, target, statements)).allowed, false);
      }),
      RUNS,
    );
  });

  it('removing an Allow statement from any one policy never turns a denial into an allow', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.nat(), fc.nat(), (s, which, at) => {
        const found = targets(s).filter((t) => policyAt(s, t).some((shape) => shape.effect === 'Allow'));
        fc.pre(found.length > 0 && !decideScenario(s).allowed);
        const target = pick(found, which);
        const policy = policyAt(s, target);
        const removed = pick(
          policy.filter((shape) => shape.effect === 'Allow'),
          at,
        );
        const smaller = policy.filter((shape) => shape !== removed);
        assert.equal(decideScenario(replaced(s, target, smaller)).allowed, false);
      }),
      RUNS,
    );
  });

  it('replacing any policy by one that no longer parses never turns a denial into an allow', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.nat(), (s, which) => {
        const found = targets(s);
        fc.pre(found.length > 0 && !decideScenario(s).allowed);
        assert.equal(decideScenario(replaced(s, pick(found, which), null)).allowed, false);
      }),
      RUNS,
    );
  });

  it('replacing an identity or session policy by one that no longer parses denies outright', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.nat(), (s, which) => {
        const found = targets(s).filter((t) => t.kind !== 'key');
        fc.pre(found.length > 0);
        const decision = decideScenario(replaced(s, pick(found, which), null));
        assert.equal(decision.allowed, false);
      }),
      RUNS,
    );
  });

  it('adding a session policy never turns a denial into an allow', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.option(shapes, { nil: null, freq: 5 }), (s, sessionPolicy) => {
        fc.pre(s.sessionPolicy === undefined && callers[s.caller].type !== 'Root' && !decideScenario(s).allowed);
        assert.equal(decideScenario({ ...s, sessionPolicy }).allowed, false);
      }),
      RUNS,
    );
  });

  it('a remembered decision is always the one decide makes, call after call with changing policies, tags and time', () => {
    let remembered = 0;
    fc.assert(
      fc.property(
        fc.array(scenarioArbitrary, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(0, 60)), { minLength: 1, maxLength: 24 }),
        (pool, calls) => {
          for (const [which, onTeamBlue, later] of calls) {
            const s = { ...pick(pool, which), onTeamBlue, later };
            const expected = decideScenario(s);
            const first = decideScenario(s, decideRemembering);
            assert.deepEqual(first, expected);
            const again = decideScenario(s, decideRemembering);
            assert.deepEqual(again, expected);
            if (!expected.allowed && again === first) remembered += 1;
          }
        },
      ),
      RUNS,
    );
    assert.ok(remembered > 0, 'repeated calls were answered from memory');
  });

  it('adding an Allow statement to any one policy never lifts an explicit deny', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.nat(), statementShape, (s, which, shape) => {
        const before = decideScenario(s);
        const found = targets(s);
        fc.pre(found.length > 0 && !before.allowed && before.reason.startsWith('explicit-deny'));
        const target = pick(found, which);
        const after = decideScenario(replaced(s, target, [...policyAt(s, target), { ...shape, effect: 'Allow' }]));
        assert.equal(after.allowed ? 'allow' : after.reason, before.allowed ? 'allow' : before.reason);
      }),
      RUNS,
    );
  });
});
