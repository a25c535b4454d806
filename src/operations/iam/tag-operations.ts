/** TagUser and TagRole. */
import type { Principal, Tag } from '../../identities/identity-service.js';
import { defineQueryOperation, type QueryOperation } from '../query/definition.js';
import type { InputTag } from '../query/input.js';
import { onResource } from './access.js';
import { type NamedBy, type PrincipalKind, requireNamed } from './principal-kinds.js';
import { required, tags } from './shapes.js';
import { storedTags } from './views.js';

export function tagPrincipal<NameMember extends string>(kind: PrincipalKind<NameMember, unknown>): QueryOperation {
  return defineQueryOperation({
    service: 'iam',
    name: `Tag${kind.noun}`,
    readOnly: false,
    input: { [kind.nameMember]: required(kind.nameShape), Tags: required(tags) },
    async resolve(input: NamedBy<NameMember> & { readonly Tags: InputTag[] }, context, identities) {
      const principal = await requireNamed(kind, input, context, identities);
      const newTags = storedTags(input.Tags);
      return onResource(`iam:Tag${kind.noun}`, principal.arn, { principal, newTags }, newTags);
    },
    async handle(_input, target: { principal: Principal; newTags: Tag[] }, _context, identities) {
      await identities.tagPrincipal(target.principal, target.newTags);
      return undefined;
    },
  });
}
