/** ListUsers and ListRoles: the caller's account's principals of one kind under a path prefix. */
import { defineQueryOperation, type QueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import type { PrincipalKind } from './principal-kinds.js';
import { marker, maxItems, pathPrefix } from './shapes.js';
import { pageView } from './views.js';

interface ListPrincipalsInput {
  readonly PathPrefix?: string;
  readonly Marker?: string;
  readonly MaxItems?: number;
}

export function listPrincipals<Entity>(kind: PrincipalKind<string, Entity>): QueryOperation {
  return defineQueryOperation({
    service: 'iam',
    name: `List${kind.noun}s`,
    readOnly: true,
    input: { PathPrefix: pathPrefix, Marker: marker, MaxItems: maxItems },
    resolve: async (_input: ListPrincipalsInput) => onResource(`iam:List${kind.noun}s`, '*', undefined),
    async handle(input, _target, context, identities) {
      const page = await kind.list(identities, context.caller.accountId, input.PathPrefix, {
        marker: input.Marker,
        maxItems: input.MaxItems,
      });
      return pageView(`${kind.noun}s`, page, kind.listedView);
    },
  });
}
