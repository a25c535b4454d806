// Records every secret value the tests' SDK clients send or receive, so that after the whole suite a grep of the
// logs and audit files can prove none of them leaked there (scripts/grep-secrets.mjs).
import { appendFileSync } from 'node:fs';

/** One secret as a line of secrets.jsonl: blobs as base64, strings as they are. */
export interface CapturedSecret {
  readonly kind: string;
  readonly encoding: 'base64' | 'utf8';
  readonly value: string;
}

/**
 * Shorter values are skipped: a 4-byte plaintext such as "data" turns up by chance in any file of some size, so
 * grepping for it would only report noise.
 */
export const MIN_SECRET_BYTES = 8;

/** Where each secret sits in an SDK input or output, by kind. */
const INPUT_SECRETS: readonly (readonly string[])[] = [['Plaintext']];
const OUTPUT_SECRETS: readonly (readonly string[])[] = [
  ['Plaintext'],
  ['PrivateKeyPlaintext'],
  ['AccessKey', 'SecretAccessKey'],
  ['Credentials', 'SecretAccessKey'],
  ['Credentials', 'SessionToken'],
  ['GrantToken'],
];

function valueAt(shape: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (value, member) =>
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[member] : undefined,
    shape,
  );
}

function captured(kind: string, value: unknown): CapturedSecret | undefined {
  if (typeof value === 'string' && Buffer.byteLength(value) >= MIN_SECRET_BYTES)
    return { kind, encoding: 'utf8', value };
  if (value instanceof Uint8Array && value.byteLength >= MIN_SECRET_BYTES) {
    return { kind, encoding: 'base64', value: Buffer.from(value).toString('base64') };
  }
  return undefined;
}

function secretsAt(shape: unknown, paths: readonly (readonly string[])[]): CapturedSecret[] {
  return paths.flatMap((path) => captured(path.join('.'), valueAt(shape, path)) ?? []);
}

/** The secrets of an SDK command's input. */
export function inputSecrets(input: unknown): CapturedSecret[] {
  return secretsAt(input, INPUT_SECRETS);
}

/** The secrets of an SDK command's output. */
export function outputSecrets(output: unknown): CapturedSecret[] {
  return secretsAt(output, OUTPUT_SECRETS);
}

/** The secrets of the credentials a client signs with. */
export function credentialSecrets(credentials: { secretAccessKey: string; sessionToken?: string }): CapturedSecret[] {
  return [
    captured('SecretAccessKey', credentials.secretAccessKey),
    captured('SessionToken', credentials.sessionToken),
  ].flatMap((secret) => secret ?? []);
}

export function appendSecrets(file: string, secrets: readonly CapturedSecret[]): void {
  if (secrets.length > 0) appendFileSync(file, secrets.map((secret) => `${JSON.stringify(secret)}\n`).join(''));
}

/**
 * An initialize-step middleware that appends to `file` the secrets of each command's input (before sending, so a
 * call that fails still counts) and of its output.
 */
export function secretCaptureMiddleware(file: string) {
  return <Args extends { input: object }, Result extends { output: object }>(next: (args: Args) => Promise<Result>) =>
    async (args: Args): Promise<Result> => {
      appendSecrets(file, inputSecrets(args.input));
      const result = await next(args);
      appendSecrets(file, outputSecrets(result.output));
      return result;
    };
}
