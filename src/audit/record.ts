/**
 * Audit records in CloudTrail's record format: one per authenticated API call (KMS, IAM, STS), allowed or
 * denied, successful or failed, and one per background event (key deletion …). Plaintexts, data keys,
 * private keys, secrets, signatures, session tokens and grant tokens are never recorded.
 */

/** A CloudTrail record as written: plain JSON. */
export type AuditRecord = Readonly<Record<string, unknown>>;

/** userIdentity, as CloudTrail writes it for IAM users, assumed roles and the account root. */
export interface AuditIdentity {
  readonly type: 'Root' | 'IAMUser' | 'AssumedRole';
  readonly principalId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  /** IAMUser only. */
  readonly userName?: string;
  /** AssumedRole only: the role behind the session (sessionContext.sessionIssuer). */
  readonly sessionIssuer?: { readonly roleId: string; readonly roleArn: string; readonly roleName: string };
  /** AssumedRole only: when the session was created is not kept; its expiry is. */
  readonly sessionExpiresAt?: number;
  /** AssumedRole only, when known: the session's creation (CloudTrail's sessionContext.attributes.creationDate). */
  readonly sessionCreatedAt?: number;
  /** AssumedRole only: the source identity set when the role was assumed (sessionContext.sourceIdentity). */
  readonly sourceIdentity?: string;
}

export type EventSource = 'kms.amazonaws.com' | 'iam.amazonaws.com' | 'sts.amazonaws.com';

/** What the pipeline knows about one authenticated call once it has an outcome. */
export interface ApiCallFacts {
  readonly eventTime: number;
  readonly eventSource: EventSource;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly identity: AuditIdentity;
  /** The validated input (blobs as Buffers), or undefined when validation failed before one existed. */
  readonly requestParameters: Readonly<Record<string, unknown>> | undefined;
  /** The operation's response, or undefined when it failed. */
  readonly responseElements: Readonly<Record<string, unknown>> | undefined;
  readonly requestId: string;
  readonly eventId: string;
  readonly readOnly: boolean;
  /** Key ARNs the call touched (CloudTrail's resources, type AWS::KMS::Key). */
  readonly resourceArns: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly recipientAccountId: string;
}

/** A background event (AwsServiceEvent), e.g. DeleteKey when a key's waiting period ends. */
export interface ServiceEventFacts {
  readonly eventTime: number;
  readonly eventSource: EventSource;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly eventId: string;
  readonly resourceArns: readonly string[];
  readonly recipientAccountId: string;
  readonly serviceEventDetails?: Readonly<Record<string, unknown>>;
}

/** Where records go. `append` resolves only once the record is durable (fsynced); it rejects otherwise. */
export interface AuditSink {
  /** True only for the benchmark's audit-off switch: records are not even built. */
  readonly discardsEverything?: true;
  append(record: AuditRecord): Promise<void>;
  /** Throws while the sink cannot make records durable (for /readyz). */
  healthCheck(): Promise<void>;
  close(): Promise<void>;
}
