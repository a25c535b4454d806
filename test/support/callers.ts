import type { Caller, RoleSession } from '../../src/shared/caller.js';

/** An IAM user as authentication makes it. */
export function iamUser(accountId: string, name: string, principalId: string): Caller {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    type: 'IAMUser',
    principalId,
    accessKeyId: `AKIA${principalId.slice(4)}`,
    userName: name,
  };
}

/** A session of the role `roleArn` as authentication makes it; it expires long after any test. */
export function roleSession(
  roleArn: string,
  roleId: string,
  sessionName: string,
  more: Partial<Pick<RoleSession, 'sessionTags' | 'sourceIdentity' | 'sessionPolicy'>> = {},
): Caller {
  const accountId = roleArn.split(':')[4] ?? '';
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return {
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    type: 'AssumedRole',
    principalId: `${roleId}:${sessionName}`,
    accessKeyId: 'ASIAEXAMPLESESSION01',
    session: {
      roleArn,
      roleId,
      roleName,
      sessionName,
      expiresAt: Date.UTC(2100, 0, 1),
      sessionTags: [],
      ...more,
    },
  };
}

/** An account's root, with the access key id `provisionedRoot` gives it. */
export function accountRoot(accountId: string): Caller {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    type: 'Root',
    principalId: accountId,
    accessKeyId: `AKIAROOT${accountId}`,
  };
}
