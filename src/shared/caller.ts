/** A principal tag (IAM user or role tags, STS session tags): feeds aws:PrincipalTag/<key>. */
export interface PrincipalTag {
  readonly key: string;
  readonly value: string;
}

/** What an assumed-role session carries beyond its role (STS AssumeRole). */
export interface RoleSession {
  /** arn:aws:iam::<account>:role<path><name>: a policy naming the role matches its sessions. */
  readonly roleArn: string;
  /** The role's unique id (AROA…): a session outlives neither its role nor a role re-created under the same name. */
  readonly roleId: string;
  readonly roleName: string;
  readonly sessionName: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** The inline session policy: the session may do only what this and the role's policies both allow. */
  readonly sessionPolicy?: string;
  /** Session tags, which override the role's tags of the same key. */
  readonly sessionTags: readonly PrincipalTag[];
  readonly sourceIdentity?: string;
}

/** Who is calling, as established by SigV4 authentication. */
export interface Caller {
  readonly accountId: string;
  /** arn:aws:iam::<account>:root | user<path><name>, or arn:aws:sts::<account>:assumed-role/<role>/<session> */
  readonly arn: string;
  readonly type: 'Root' | 'IAMUser' | 'AssumedRole';
  /** aws:userid: the account id for root, AIDA… for a user, AROA…:<session> for a role session. */
  readonly principalId: string;
  readonly accessKeyId: string;
  /** IAMUser only: aws:username. */
  readonly userName?: string;
  /** AssumedRole only. */
  readonly session?: RoleSession;
}
