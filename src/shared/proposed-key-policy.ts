/** CreateKey and PutKeyPolicy: the key policy a key is to get, checked by authorization before it is accepted. */
export interface ProposedKeyPolicy {
  readonly text: string;
  /** The key the policy is for (for CreateKey, the ARN the new key will have): the lockout check needs it. */
  readonly keyArn: string;
  /** The policy lockout safety check is skipped only when the caller asks (BypassPolicyLockoutSafetyCheck). */
  readonly bypassLockoutSafetyCheck: boolean;
}
