/** CreateKey and PutKeyPolicy: the key policy a key is to get, checked by authorization before it is accepted. */
export interface ProposedKeyPolicy {
  readonly text: string;
  /** The policy lockout safety check is skipped only when the caller asks (BypassPolicyLockoutSafetyCheck). */
  readonly bypassLockoutSafetyCheck: boolean;
}
