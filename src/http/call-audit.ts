/**
 * Exactly one durable audit record per authenticated call, whatever its outcome. The pipelines open an
 * AuditedCall once the caller is known (requests that fail SigV4 never reach the trail: anyone could send them),
 * tell it what they learn, and end it with `outcome` (which runs the operation) or `failedUnlessRecorded`; a
 * response is sent only after that resolves.
 */
import { randomUUID } from 'node:crypto';
import { apiCallRecord } from '../audit/cloudtrail.js';
import { isKeyArn } from '../audit/key-arn.js';
import type { AuditIdentity, AuditSink, EventSource } from '../audit/record.js';
import { KmsError, kmsError, QueryError } from '../errors/catalogue.js';
import type { Caller } from '../shared/caller.js';
import { MutationCommitFailed, type MutationRunner } from '../shared/mutation.js';

export interface CallOrigin {
  readonly requestId: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  /** When the request arrived (ms since the epoch). */
  readonly receivedAt: number;
}

function auditIdentity(caller: Caller): AuditIdentity {
  const base = {
    type: caller.type,
    principalId: caller.principalId,
    arn: caller.arn,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
  };
  if (caller.userName !== undefined) return { ...base, userName: caller.userName };
  if (caller.session === undefined) return base;
  const { roleId, roleArn, roleName, expiresAt, sourceIdentity } = caller.session;
  const session = { ...base, sessionIssuer: { roleId, roleArn, roleName }, sessionExpiresAt: expiresAt };
  return sourceIdentity === undefined ? session : { ...session, sourceIdentity };
}

/** The error as the client sees it: its AWS code and message (anything unexpected is an internal failure). */
function outcomeOf(error: unknown, requestId: string, internalCode: string): { code: string; message: string } {
  if (error instanceof KmsError) return { code: error.type, message: error.clientMessage ?? error.type };
  if (error instanceof QueryError) return { code: error.code, message: error.message };
  return { code: internalCode, message: `An internal error occurred. Request id: ${requestId}` };
}

/** Errors whose record is already in the trail: the pipeline must not record them a second time. */
const alreadyRecorded = new WeakSet<object>();

export class AuditedCall {
  private eventName: string;
  private input: Readonly<Record<string, unknown>> | undefined;
  private readOnly = false;
  private readonly keyArns = new Set<string>();
  readonly eventId = randomUUID();

  constructor(
    private readonly sink: AuditSink,
    private readonly origin: CallOrigin,
    private readonly caller: Caller,
    private readonly region: string,
    private readonly eventSource: EventSource,
    eventName: string,
    /** The dialect's code for an unexpected failure: KMSInternalException or InternalFailure. */
    private readonly internalCode: string,
  ) {
    this.eventName = eventName;
  }

  /** The operation, once the request names one the service knows. */
  operation(eventName: string, readOnly: boolean): void {
    this.eventName = eventName;
    this.readOnly = readOnly;
  }

  /** The validated input (recorded without its secrets, see audit/cloudtrail.ts). */
  validated(input: Readonly<Record<string, unknown>>): void {
    this.input = input;
  }

  /** Resources the call acts on: key ARNs become the record's resources. */
  touches(resources: Iterable<string>): void {
    for (const resource of resources) if (isKeyArn(resource)) this.keyArns.add(resource);
  }

  /** Records the failure, unless the error's record is already written (a compensated commit). */
  async failedUnlessRecorded(error: unknown): Promise<void> {
    if (typeof error === 'object' && error !== null && alreadyRecorded.has(error)) return;
    await this.write(undefined, outcomeOf(error, this.origin.requestId, this.internalCode));
  }

  /**
   * The change a success record announced did not commit: a second record says so, naming the first, so the
   * trail never claims a change that did not happen.
   */
  private compensate(): Promise<void> {
    const message = `The change recorded in event ${this.eventId} was not committed.`;
    return this.write(undefined, { code: this.internalCode, message }, randomUUID());
  }

  /**
   * Runs the operation's change and its success record so that the change commits only once the record is
   * durable: a record that cannot be written leaves nothing changed, and a commit that fails after the record
   * was written gets a compensating record. Read-only operations change nothing, so their record simply
   * precedes the response.
   */
  async outcome<Result extends object>(mutation: MutationRunner, work: () => Promise<Result>): Promise<Result> {
    const succeeded = (result: Result) => this.write(result as Readonly<Record<string, unknown>>, undefined);
    if (this.readOnly) {
      const result = await work();
      await succeeded(result);
      return result;
    }
    try {
      return await mutation(work, succeeded);
    } catch (error) {
      if (!(error instanceof MutationCommitFailed)) throw error;
      await this.compensate();
      const failure = kmsError(
        'KMSInternalException',
        `An internal error occurred. Request id: ${this.origin.requestId}`,
      );
      alreadyRecorded.add(failure);
      throw failure;
    }
  }

  private async write(
    response: Readonly<Record<string, unknown>> | undefined,
    error: { code: string; message: string } | undefined,
    eventId = this.eventId,
  ): Promise<void> {
    if (this.sink.discardsEverything) return;
    const record = apiCallRecord({
      eventTime: this.origin.receivedAt,
      eventSource: this.eventSource,
      eventName: this.eventName,
      awsRegion: this.region,
      sourceIPAddress: this.origin.sourceIp ?? 'unknown',
      userAgent: this.origin.userAgent ?? 'unknown',
      identity: auditIdentity(this.caller),
      requestParameters: this.input,
      responseElements: response,
      requestId: this.origin.requestId,
      eventId,
      readOnly: this.readOnly,
      resourceArns: [...this.keyArns],
      ...(error ? { error } : {}),
      recipientAccountId: this.caller.accountId,
    });
    try {
      await this.sink.append(record);
    } catch {
      throw auditUnavailable(this.origin.requestId);
    }
  }
}

/** A call whose record could not be made durable gets this, never a success. */
export function auditUnavailable(requestId: string): KmsError {
  return kmsError(
    'KMSInternalException',
    `The request could not be recorded in the audit trail: it changed nothing and returns no result. Request id: ${requestId}`,
  );
}
