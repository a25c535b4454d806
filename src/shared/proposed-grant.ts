/** CreateGrant: the grant asked for, so that a grant allowing CreateGrant can be held to its own bounds. */
export interface ProposedGrant {
  readonly operations: readonly string[];
  readonly constraints: {
    readonly encryptionContextEquals?: Readonly<Record<string, string>>;
    readonly encryptionContextSubset?: Readonly<Record<string, string>>;
  } | null;
}
