import type { ReceivedRequest } from '../auth/sigv4.js';
import { decide, denialMessage } from '../authz/decide.js';
import { type IdentityDirectory, NO_IDENTITY } from '../authz/identity.js';
import { type ConditionValues, globalConditions } from '../authz/request-context.js';
import { kmsError, messages } from '../errors/catalogue.js';
import { conditionValues, keyAccess } from '../operations/conditions.js';
import type { Keys } from '../operations/definition.js';
import type { Caller } from '../shared/caller.js';
import type { MutationRunner } from '../shared/mutation.js';
import type { AuditedCall } from './call-audit.js';
import { resourceAware } from './resource-aware.js';

/** Trent's own API beside KMS's: `X-Amz-Target: TrentAdmin.<Operation>`, SigV4-signed like the rest. */
export const ADMIN_TARGET_PREFIX = 'TrentAdmin.';

export interface AdminRequest extends ReceivedRequest {
  readonly target: string;
  readonly sourceIp: string | undefined;
}

interface SimulateInput {
  readonly principalArn: string;
  readonly action: string;
  readonly keyId: string | undefined;
  readonly context: Readonly<Record<string, readonly string[]>>;
}

const PRINCIPAL = /^arn:aws:(iam|sts)::(\d{12}):(root|user\/.+|role\/.+|assumed-role\/.+)$/;

function invalid(message: string): never {
  throw kmsError('ValidationException', message);
}

function stringMember(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return required ? invalid(`${name} is required.`) : undefined;
  return typeof value === 'string' ? value : invalid(`${name} must be a string.`);
}

function contextMember(body: Record<string, unknown>): Record<string, readonly string[]> {
  const value = body['Context'] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('Context must be an object.');
  const context: Record<string, readonly string[]> = {};
  for (const [key, entry] of Object.entries(value)) {
    const values = Array.isArray(entry) ? entry : [entry];
    if (!values.every((item): item is string => typeof item === 'string')) {
      invalid(`Context ${key} must be a string or a list of strings.`);
    }
    context[key] = values;
  }
  return context;
}

function simulateInput(body: unknown): SimulateInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) invalid('The request body must be an object.');
  const members = body as Record<string, unknown>;
  const principalArn = stringMember(members, 'PrincipalArn', true) as string;
  if (!PRINCIPAL.test(principalArn)) invalid(`PrincipalArn ${principalArn} is not an IAM or STS principal ARN.`);
  const action = stringMember(members, 'Action', true) as string;
  if (!/^kms:[A-Za-z]+$/.test(action)) invalid(`Action ${action} is not a KMS action such as kms:Decrypt.`);
  return { principalArn, action, keyId: stringMember(members, 'KeyId', false), context: contextMember(members) };
}

/** A principal Trent does not know, as authentication would have made it were it known. */
function unknownCaller(principalArn: string): Caller {
  const [, kind = '', accountId = '', resource = ''] = PRINCIPAL.exec(principalArn) ?? [];
  const type = resource === 'root' ? 'Root' : kind === 'sts' ? 'AssumedRole' : 'IAMUser';
  return {
    accountId,
    arn: principalArn,
    type,
    principalId: type === 'Root' ? accountId : principalArn,
    accessKeyId: '',
  };
}

export interface NewAccount {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface AdminDependencies {
  readonly keys: Keys;
  readonly mutation: MutationRunner;
  readonly identityPolicies: IdentityDirectory;
  /** The account the data dir was initialised with: its root is the operator, who alone may create accounts. */
  readonly operatorAccountId: string;
  /** The public half of the key that signs audit digests (also at <data dir>/audit/public-keys/<fingerprint>.pem). */
  readonly auditPublicKey: { readonly fingerprint: string; readonly pem: string };
  /** Creates an account (the given id, or a new one) with a root access key; AlreadyExistsException when taken. */
  readonly createAccount: (accountId: string | undefined) => Promise<NewAccount>;
}

type AdminHandler = (
  deps: AdminDependencies,
  caller: Caller,
  region: string,
  request: AdminRequest,
  body: unknown,
) => Promise<object>;

interface AdminOperation {
  readonly handle: AdminHandler;
  readonly readOnly: boolean;
}

/**
 * Trent's own calls, routed like KMS's by X-Amz-Target (nothing unlisted is reachable), authenticated and
 * audited by the KMS pipeline like any KMS call.
 */
export async function runAdminRequest(
  deps: AdminDependencies,
  caller: Caller,
  region: string,
  request: AdminRequest,
  body: unknown,
  call: AuditedCall,
): Promise<object> {
  const name = request.target.slice(ADMIN_TARGET_PREFIX.length);
  const operation = ADMIN_OPERATIONS.get(name);
  if (operation === undefined) throw kmsError('UnknownOperationException');
  call.operation(`TrentAdmin.${name}`, operation.readOnly);
  return call.outcome(deps.mutation, () => operation.handle(deps, caller, region, request, body));
}

/**
 * SimulatePolicy: what authorization would decide for a principal, an action, a key and condition keys,
 * and which key-policy statement decided it. Only a caller allowed trent:SimulatePolicy may ask: the
 * account root, or an identity whose policies allow it.
 */
async function simulatePolicy(
  deps: AdminDependencies,
  caller: Caller,
  region: string,
  request: AdminRequest,
  body: unknown,
) {
  const now = deps.keys.now();
  const callerIdentity = await deps.identityPolicies.load(caller);
  const callerConditions = globalConditions(caller, request.sourceIp, now, callerIdentity.principalTags);
  const adminCheck = { action: 'trent:SimulatePolicy', resource: '*' };
  const allowedToAsk = decide(caller, adminCheck, callerConditions, callerIdentity);
  if (!allowedToAsk.allowed)
    throw kmsError('AccessDeniedException', denialMessage(caller, adminCheck, allowedToAsk.reason));

  const input = simulateInput(body);
  const known = await deps.identityPolicies.callerFor(input.principalArn);
  // A principal Trent does not know (another account's, say) is simulated with no identity policies of its own.
  const principal = known ?? unknownCaller(input.principalArn);
  const identity = known === undefined ? NO_IDENTITY : await deps.identityPolicies.load(known);
  const extra = conditionValues(input.context);
  const key = input.keyId === undefined ? undefined : await ownKey(deps.keys, caller, region, input.keyId);
  const onKey = key && keyAccess(input.action as `kms:${string}`, key);
  const check =
    onKey === undefined
      ? { action: input.action, resource: '*', conditions: extra }
      : withExtra(
          { ...onKey, resourcePolicy: onKey.keyPolicy, conditions: await resourceAware(deps.keys, onKey, identity) },
          extra,
        );
  const conditions = globalConditions(principal, request.sourceIp, now, identity.principalTags);
  const decision = decide(principal, check, conditions, identity);
  const statement = decision.decidedBy && {
    Sid: decision.decidedBy.sid,
    Index: decision.decidedBy.index,
    Effect: decision.decidedBy.effect,
  };
  return decision.allowed
    ? { Decision: 'Allow', DecidingStatement: statement }
    : {
        Decision: 'Deny',
        Reason: decision.reason,
        Message: denialMessage(principal, check, decision.reason),
        DecidingStatement: statement,
      };
}

/** Only keys of the caller's own account can be simulated: another account's policy is not the caller's to read. */
async function ownKey(keys: Keys, caller: Caller, region: string, keyId: string) {
  const key = await keys.resolve({ accountId: caller.accountId, region }, keyId, 'keyOrAlias');
  if (key.accountId !== caller.accountId) throw kmsError('NotFoundException', messages.keyNotFound(keyId));
  return key;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * CreateAccount: another account on this Trent, with its root access key (shown once, in the response).
 * Accounts are tenants: no account's root can see or touch another's keys or identities. Only the operator
 * (the root of the account the data dir was initialised with) may create them.
 */
async function createAccount(
  deps: AdminDependencies,
  caller: Caller,
  _region: string,
  _request: AdminRequest,
  body: unknown,
) {
  if (caller.type !== 'Root' || caller.accountId !== deps.operatorAccountId) {
    throw kmsError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: trent:CreateAccount because only the root of account ${deps.operatorAccountId} may create accounts`,
    );
  }
  const members =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const requested = stringMember(members, 'AccountId', false);
  if (requested !== undefined && !ACCOUNT_ID.test(requested)) invalid('AccountId must be 12 digits.');
  const created = await deps.createAccount(requested);
  return { AccountId: created.accountId, AccessKeyId: created.accessKeyId, SecretAccessKey: created.secretAccessKey };
}

/**
 * GetAuditPublicKey: the key that verifies the audit trail's signed digests, for `trent audit verify
 * --public-key`. Any authenticated caller may fetch it: it is public, and fetching it over the API (rather than
 * reading it beside the trail) is what lets a verifier trust it.
 */
async function getAuditPublicKey(deps: AdminDependencies) {
  return { PublicKeys: [{ Fingerprint: deps.auditPublicKey.fingerprint, Pem: deps.auditPublicKey.pem }] };
}

const ADMIN_OPERATIONS: ReadonlyMap<string, AdminOperation> = new Map<string, AdminOperation>([
  ['GetAuditPublicKey', { handle: getAuditPublicKey, readOnly: true }],
  ['SimulatePolicy', { handle: simulatePolicy, readOnly: true }],
  ['CreateAccount', { handle: createAccount, readOnly: false }],
]);

function withExtra<Check extends { conditions?: ConditionValues }>(check: Check, extra: ConditionValues): Check {
  return { ...check, conditions: new Map([...(check.conditions ?? []), ...extra]) };
}
