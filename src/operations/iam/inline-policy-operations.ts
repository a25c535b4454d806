/** PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy and their role twins, one factory each. */
import type { Identities, InlinePolicyRecord, Principal } from '../../identities/identity-service.js';
import { defineQueryOperation, type QueryContext, type QueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { type NamedBy, type PrincipalKind, requireNamed } from './principal-kinds.js';
import { marker, maxItems, policyDocument, policyName, required } from './shapes.js';
import { encodedDocument, pageView } from './views.js';

type PolicyInput<NameMember extends string> = NamedBy<NameMember> & { readonly PolicyName: string };

/** The principal, then the policy, as the model orders the members of every inline-policy operation. */
function policyInputShape(kind: PrincipalKind<string, unknown>) {
  return { [kind.nameMember]: required(kind.nameShape), PolicyName: required(policyName) };
}

interface PolicyTarget {
  readonly principal: Principal;
  readonly policy: InlinePolicyRecord;
}

export function putInlinePolicy<NameMember extends string>(kind: PrincipalKind<NameMember, unknown>): QueryOperation {
  return defineQueryOperation({
    service: 'iam',
    name: `Put${kind.noun}Policy`,
    readOnly: false,
    input: { ...policyInputShape(kind), PolicyDocument: required(policyDocument) },
    async resolve(input: PolicyInput<NameMember> & { readonly PolicyDocument: string }, context, identities) {
      const principal = await requireNamed(kind, input, context, identities);
      return onResource(`iam:Put${kind.noun}Policy`, principal.arn, principal);
    },
    async handle(input, principal: Principal, _context, identities) {
      await identities.putInlinePolicy(principal, input.PolicyName, input.PolicyDocument);
      return undefined;
    },
  });
}

/** Finds the principal and its policy, both before authorization (NoSuchEntity for either). */
function onInlinePolicy<NameMember extends string>(kind: PrincipalKind<NameMember, unknown>, verb: 'Get' | 'Delete') {
  return async (input: PolicyInput<NameMember>, context: QueryContext, identities: Identities) => {
    const principal = await requireNamed(kind, input, context, identities);
    const policy = await identities.requireInlinePolicy(principal, input.PolicyName);
    return onResource<PolicyTarget>(`iam:${verb}${kind.noun}Policy`, principal.arn, { principal, policy });
  };
}

export function getInlinePolicy<NameMember extends string>(kind: PrincipalKind<NameMember, unknown>): QueryOperation {
  return defineQueryOperation({
    service: 'iam',
    name: `Get${kind.noun}Policy`,
    readOnly: true,
    input: policyInputShape(kind),
    resolve: onInlinePolicy(kind, 'Get'),
    handle: async (_input, { principal, policy }) => ({
      [kind.nameMember]: principal.name,
      PolicyName: policy.policyName,
      PolicyDocument: encodedDocument(policy.document),
    }),
  });
}

export function deleteInlinePolicy<NameMember extends string>(
  kind: PrincipalKind<NameMember, unknown>,
): QueryOperation {
  return defineQueryOperation({
    service: 'iam',
    name: `Delete${kind.noun}Policy`,
    readOnly: false,
    input: policyInputShape(kind),
    resolve: onInlinePolicy(kind, 'Delete'),
    async handle(_input, { principal, policy }, _context, identities) {
      await identities.deleteInlinePolicy(principal, policy.policyName);
      return undefined;
    },
  });
}

export function listInlinePolicies<NameMember extends string>(
  kind: PrincipalKind<NameMember, unknown>,
): QueryOperation {
  return defineQueryOperation({
    service: 'iam',
    name: `List${kind.noun}Policies`,
    readOnly: true,
    input: { [kind.nameMember]: required(kind.nameShape), Marker: marker, MaxItems: maxItems },
    async resolve(
      input: NamedBy<NameMember> & { readonly Marker?: string; readonly MaxItems?: number },
      context,
      identities,
    ) {
      const principal = await requireNamed(kind, input, context, identities);
      return onResource(`iam:List${kind.noun}Policies`, principal.arn, principal);
    },
    async handle(input, principal: Principal, _context, identities) {
      const page = await identities.listInlinePolicyNames(principal, {
        marker: input.Marker,
        maxItems: input.MaxItems,
      });
      return pageView('PolicyNames', page, (name) => name);
    },
  });
}
