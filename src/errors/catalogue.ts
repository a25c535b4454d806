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
