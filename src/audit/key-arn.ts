/** A KMS key's ARN, `arn:aws:kms:<region>:<account>:key/<key id>`, as the trail names keys among its resources. */
const KEY_ARN = /^arn:aws:kms:[^:]+:\d{12}:key\/([^/:]+)$/;

/** The key id a key ARN names; undefined for anything else (an alias ARN, a user). */
export function keyIdInArn(arn: string): string | undefined {
  return KEY_ARN.exec(arn)?.[1];
}

export function isKeyArn(arn: string): boolean {
  return KEY_ARN.test(arn);
}
