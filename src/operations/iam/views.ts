/**
 * Results as IAM's XML has them: element names are the model's output member names, dates are instants, and
 * policy documents are URL-encoded, exactly as IAM returns them.
 */
import type { AccessKeyRecord, RoleRecord, Tag, UserOrRoot, UserRecord } from '../../identities/identity-service.js';
import type { Page } from '../../identities/paging.js';
import type { InputTag } from '../query/input.js';

/** Request tags (`Tags.member.N.Key`) as the domain stores them. */
export function storedTags(tags: readonly InputTag[] | undefined): Tag[] {
  return (tags ?? []).map((tag) => ({ TagKey: tag.Key, TagValue: tag.Value }));
}

/** IAM leaves the Tags element out rather than send an empty list. */
function tagsView(tags: readonly Tag[]) {
  return tags.length === 0 ? undefined : tags.map((tag) => ({ Key: tag.TagKey, Value: tag.TagValue }));
}

/** IAM returns policy documents URL-encoded; the SDKs and the CLI decode them. */
export const encodedDocument = (document: string): string => encodeURIComponent(document);

export function userView(user: UserRecord, tags: readonly Tag[] = []) {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: new Date(user.createdAt),
    Tags: tagsView(tags),
  };
}

export function roleView(role: RoleRecord, tags: readonly Tag[] = []) {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodedDocument(role.trustPolicy),
    Description: role.description === '' ? undefined : role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: tagsView(tags),
  };
}

/** The root's keys name no user, as IAM's responses do not. */
export function accessKeyView(owner: UserOrRoot, accessKey: AccessKeyRecord) {
  return {
    UserName: owner.user?.userName,
    AccessKeyId: accessKey.accessKeyId,
    Status: accessKey.status,
    CreateDate: new Date(accessKey.createdAt),
  };
}

/** A list result: the items under `element`, then IsTruncated, and Marker only when truncated. */
export function pageView<Item>(element: string, page: Page<Item>, render: (item: Item) => unknown) {
  return { [element]: page.items.map(render), IsTruncated: page.isTruncated, Marker: page.marker };
}
