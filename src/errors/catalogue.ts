/**
 * The one catalogue of AWS error types Trent returns: every KMS exception once, with its HTTP status.
 * The 48 modeled KMS errors carry the status the KMS API Reference gives (400 client, 500 server);
 * the rest are errors KMS returns without modeling them (authentication, validation, throttling, wire).
 * A test keeps this list in step with ../shared/aws-models/kms-errors.json.
 */
export const errorStatus = {
  AccessDeniedException: 400,
  AlreadyExistsException: 400,
  CloudHsmClusterInUseException: 400,
  CloudHsmClusterInvalidConfigurationException: 400,
  CloudHsmClusterNotActiveException: 400,
  CloudHsmClusterNotFoundException: 400,
  CloudHsmClusterNotRelatedException: 400,
  ConflictException: 400,
  CustomKeyStoreHasCMKsException: 400,
  CustomKeyStoreInvalidStateException: 400,
  CustomKeyStoreNameInUseException: 400,
  CustomKeyStoreNotFoundException: 400,
  DependencyTimeoutException: 500,
  DisabledException: 400,
  DryRunOperationException: 400,
  ExpiredImportTokenException: 400,
  ExpiredTokenException: 400,
  IncompleteSignatureException: 400,
  IncorrectKeyException: 400,
  IncorrectKeyMaterialException: 400,
  IncorrectTrustAnchorException: 400,
  InvalidAliasNameException: 400,
  InvalidArnException: 400,
  InvalidCiphertextException: 400,
  InvalidGrantIdException: 400,
  InvalidGrantTokenException: 400,
  InvalidImportTokenException: 400,
  InvalidKeyUsageException: 400,
  InvalidMarkerException: 400,
  InvalidSignatureException: 400,
  KMSInternalException: 500,
  KMSInvalidMacException: 400,
  KMSInvalidSignatureException: 400,
  KMSInvalidStateException: 400,
  KeyUnavailableException: 500,
  LimitExceededException: 400,
  MalformedPolicyDocumentException: 400,
  MissingAuthenticationTokenException: 400,
  NotFoundException: 400,
  RequestEntityTooLargeException: 413,
  SerializationException: 400,
  TagException: 400,
  ThrottlingException: 400,
  UnknownOperationException: 400,
  UnrecognizedClientException: 400,
  UnsupportedOperationException: 400,
  ValidationException: 400,
  XksKeyAlreadyInUseException: 400,
  XksKeyInvalidConfigurationException: 400,
  XksKeyNotFoundException: 400,
  XksProxyIncorrectAuthenticationCredentialException: 400,
  XksProxyInvalidConfigurationException: 400,
  XksProxyInvalidResponseException: 400,
  XksProxyUriEndpointInUseException: 400,
  XksProxyUriInUseException: 400,
  XksProxyUriUnreachableException: 400,
  XksProxyVpcEndpointServiceInUseException: 400,
  XksProxyVpcEndpointServiceInvalidConfigurationException: 400,
  XksProxyVpcEndpointServiceNotFoundException: 400,
} as const;

export type ErrorType = keyof typeof errorStatus;

/** An error the client is meant to see: `{"__type": type, "message": message}` with `status`. */
export class KmsError extends Error {
  override readonly name = 'KmsError';

  constructor(
    readonly type: ErrorType,
    message: string | undefined,
  ) {
    super(message ?? type);
    this.clientMessage = message;
  }

  /** The message as sent on the wire; undefined where AWS sends none. */
  readonly clientMessage: string | undefined;

  get status(): number {
    return errorStatus[this.type];
  }
}

export function kmsError(type: ErrorType, message?: string): KmsError {
  return new KmsError(type, message);
}

/** Message templates used in more than one place, worded as AWS words them. */
export const messages = {
  keyNotFound: (keyArn: string) => `Key '${keyArn}' does not exist`,
  aliasNotFound: (aliasArn: string) => `Alias ${aliasArn} is not found.`,
  invalidKeyId: (keyId: string) => `Invalid keyId ${keyId}`,
  keyDisabled: (keyArn: string) => `${keyArn} is disabled.`,
  keyPendingDeletion: (keyArn: string) => `${keyArn} is pending deletion.`,
  keyNotPendingDeletion: (keyArn: string) => `${keyArn} is not pending deletion.`,
  incorrectKey: () => 'The key ID in the request does not identify a CMK that can perform this operation.',
  dryRunSucceeded: () => 'The request would have succeeded, but the DryRun option is set.',
  internal: (requestId: string) => `An internal error occurred. Request id: ${requestId}`,
} as const;

/**
 * The error codes of IAM and STS (the awsQuery services Trent serves beside KMS), with the HTTP status each
 * service's model gives, plus the common query-protocol errors they return without modeling them
 * (authentication, validation, unknown actions).
 */
export const queryErrorStatus = {
  AccessDenied: 403,
  ConcurrentModification: 409,
  DeleteConflict: 409,
  EntityAlreadyExists: 409,
  ExpiredToken: 403,
  IncompleteSignature: 403,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidClientTokenId: 403,
  InvalidInput: 400,
  InvalidParameterValue: 400,
  LimitExceeded: 409,
  MalformedPolicyDocument: 400,
  MissingAction: 400,
  MissingAuthenticationToken: 403,
  NoSuchEntity: 404,
  PackedPolicyTooLarge: 400,
  ServiceFailure: 500,
  SignatureDoesNotMatch: 403,
  UnmodifiableEntity: 400,
  ValidationError: 400,
} as const;

export type QueryErrorCode = keyof typeof queryErrorStatus;

/** An IAM or STS error: `<ErrorResponse><Error><Type>…</Type><Code>…</Code><Message>…</Message></Error>…`. */
export class QueryError extends Error {
  override readonly name = 'QueryError';

  constructor(
    readonly code: QueryErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return queryErrorStatus[this.code];
  }

  /** 'Receiver' for the server's own failures, 'Sender' for everything the request got wrong. */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export function queryError(code: QueryErrorCode, message: string): QueryError {
  return new QueryError(code, message);
}

/**
 * The query-protocol code for an error raised by the shared SigV4 and authorization layers, which speak
 * KMS's names: IAM and STS name the same failures differently.
 */
const QUERY_CODE_OF_KMS_TYPE: Partial<Record<ErrorType, QueryErrorCode>> = {
  AccessDeniedException: 'AccessDenied',
  ExpiredTokenException: 'ExpiredToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  UnrecognizedClientException: 'InvalidClientTokenId',
  MalformedPolicyDocumentException: 'MalformedPolicyDocument',
  RequestEntityTooLargeException: 'ValidationError',
  ValidationException: 'ValidationError',
};

export function asQueryError(error: KmsError): QueryError {
  return new QueryError(QUERY_CODE_OF_KMS_TYPE[error.type] ?? 'InternalFailure', error.clientMessage ?? error.type);
}
