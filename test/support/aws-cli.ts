/**
 * Running the aws CLI (and python3 with boto3) from tests: botocore is a second, independent AWS client stack
 * (its own SigV4 signer, serializers and error parsers), so it catches what the JS SDK forgives.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMMAND_TIMEOUT_MILLIS = 30_000;
/** aws CLI v1 exits 255 when the service returned an error; v2 exits 254. */
export const SERVICE_ERROR_EXIT_CODES = [254, 255];

export interface Outcome {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function execute(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { env, timeout: COMMAND_TIMEOUT_MILLIS, encoding: 'utf8' });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof failure.code !== 'number') throw error;
    return { exitCode: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** The inherited environment without any AWS_* setting that could point the CLI elsewhere. */
export function environmentWithoutAws(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
}

/** `aws-cli/1.45.11 Python/...` -> [1, 45]; undefined when the CLI is not installed. */
export async function installedAwsCli(): Promise<{ major: number; minor: number; banner: string } | undefined> {
  try {
    const { stdout, stderr } = await run('aws', ['--version'], { timeout: COMMAND_TIMEOUT_MILLIS, encoding: 'utf8' });
    const banner = (stdout || stderr).trim();
    const match = /aws-cli\/(\d+)\.(\d+)/.exec(banner);
    return match ? { major: Number(match[1]), minor: Number(match[2]), banner } : undefined;
  } catch {
    return undefined;
  }
}

export async function hasBoto3(): Promise<boolean> {
  const outcome = await execute('python3', ['-c', 'import boto3'], environmentWithoutAws()).catch(() => undefined);
  return outcome?.exitCode === 0;
}
