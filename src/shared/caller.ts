/** Who is calling, as established by SigV4 authentication. */
export interface Caller {
  readonly accountId: string;
  /** e.g. arn:aws:iam::111122223333:root */
  readonly arn: string;
  readonly type: 'Root' | 'IAMUser' | 'AssumedRole';
  readonly principalId: string;
  readonly accessKeyId: string;
}
