// GENERATED FILE: do not edit. Written by scripts/gen-shapes.ts (npm run gen:shapes) from botocore's
// AWS KMS service model kms-2014-11-01 (Apache License 2.0), which ../shared/aws-models/ holds beside the repository.
// A test regenerates this file in memory and fails when the two differ.

/**
 * One AWS shape as the KMS model describes it. Lengths count UTF-16 code units for strings, elements for lists
 * and maps, and decoded bytes for blobs; `pattern` is a Java regular expression that must match the whole value.
 */
export type Shape =
  | { readonly type: 'structure'; readonly members: Readonly<Record<string, ShapeName>>; readonly required?: readonly string[] }
  | { readonly type: 'list'; readonly member: ShapeName; readonly min?: number; readonly max?: number }
  | { readonly type: 'map'; readonly key: ShapeName; readonly value: ShapeName; readonly min?: number; readonly max?: number }
  | {
      readonly type: 'string';
      readonly min?: number;
      readonly max?: number;
      readonly enum?: readonly string[];
      readonly pattern?: string;
      readonly sensitive?: true;
    }
  | { readonly type: 'integer' | 'long'; readonly min?: number; readonly max?: number }
  | { readonly type: 'blob'; readonly min?: number; readonly max?: number; readonly sensitive?: true }
  | { readonly type: 'boolean' }
  | { readonly type: 'timestamp' };

export type OperationName =
  | "CancelKeyDeletion"
  | "ConnectCustomKeyStore"
  | "CreateAlias"
  | "CreateCustomKeyStore"
  | "CreateGrant"
  | "CreateKey"
  | "Decrypt"
  | "DeleteAlias"
  | "DeleteCustomKeyStore"
  | "DeleteImportedKeyMaterial"
  | "DeriveSharedSecret"
  | "DescribeCustomKeyStores"
  | "DescribeKey"
  | "DisableKey"
  | "DisableKeyRotation"
  | "DisconnectCustomKeyStore"
  | "EnableKey"
  | "EnableKeyRotation"
  | "Encrypt"
  | "GenerateDataKey"
  | "GenerateDataKeyPair"
  | "GenerateDataKeyPairWithoutPlaintext"
  | "GenerateDataKeyWithoutPlaintext"
  | "GenerateMac"
  | "GenerateRandom"
  | "GetKeyLastUsage"
  | "GetKeyPolicy"
  | "GetKeyRotationStatus"
  | "GetParametersForImport"
  | "GetPublicKey"
  | "ImportKeyMaterial"
  | "ListAliases"
  | "ListGrants"
  | "ListKeyPolicies"
  | "ListKeyRotations"
  | "ListKeys"
  | "ListResourceTags"
  | "ListRetirableGrants"
  | "PutKeyPolicy"
  | "ReEncrypt"
  | "ReplicateKey"
  | "RetireGrant"
  | "RevokeGrant"
  | "RotateKeyOnDemand"
  | "ScheduleKeyDeletion"
  | "Sign"
  | "TagResource"
  | "UntagResource"
  | "UpdateAlias"
  | "UpdateCustomKeyStore"
  | "UpdateKeyDescription"
  | "UpdatePrimaryRegion"
  | "Verify"
  | "VerifyMac";

export type ShapeName =
  | "AccountIdType"
  | "AlgorithmSpec"
  | "AliasNameType"
  | "AttestationDocumentType"
  | "BackingKeyIdType"
  | "BooleanType"
  | "CancelKeyDeletionRequest"
  | "CiphertextType"
  | "CloudHsmClusterIdType"
  | "ConnectCustomKeyStoreRequest"
  | "CreateAliasRequest"
  | "CreateCustomKeyStoreRequest"
  | "CreateGrantRequest"
  | "CreateKeyRequest"
  | "CustomKeyStoreIdType"
  | "CustomKeyStoreNameType"
  | "CustomKeyStoreType"
  | "CustomerMasterKeySpec"
  | "DataKeyPairSpec"
  | "DataKeySpec"
  | "DateType"
  | "DecryptRequest"
  | "DeleteAliasRequest"
  | "DeleteCustomKeyStoreRequest"
  | "DeleteImportedKeyMaterialRequest"
  | "DeriveSharedSecretRequest"
  | "DescribeCustomKeyStoresRequest"
  | "DescribeKeyRequest"
  | "DescriptionType"
  | "DisableKeyRequest"
  | "DisableKeyRotationRequest"
  | "DisconnectCustomKeyStoreRequest"
  | "DryRunModifierList"
  | "DryRunModifierType"
  | "EnableKeyRequest"
  | "EnableKeyRotationRequest"
  | "EncryptRequest"
  | "EncryptionAlgorithmSpec"
  | "EncryptionContextKey"
  | "EncryptionContextType"
  | "EncryptionContextValue"
  | "ExpirationModelType"
  | "GenerateDataKeyPairRequest"
  | "GenerateDataKeyPairWithoutPlaintextRequest"
  | "GenerateDataKeyRequest"
  | "GenerateDataKeyWithoutPlaintextRequest"
  | "GenerateMacRequest"
  | "GenerateRandomRequest"
  | "GetKeyLastUsageRequest"
  | "GetKeyPolicyRequest"
  | "GetKeyRotationStatusRequest"
  | "GetParametersForImportRequest"
  | "GetPublicKeyRequest"
  | "GrantConstraints"
  | "GrantIdType"
  | "GrantNameType"
  | "GrantOperation"
  | "GrantOperationList"
  | "GrantTokenList"
  | "GrantTokenType"
  | "ImportKeyMaterialRequest"
  | "ImportType"
  | "IncludeKeyMaterial"
  | "KeyAgreementAlgorithmSpec"
  | "KeyEncryptionMechanism"
  | "KeyIdType"
  | "KeyMaterialDescriptionType"
  | "KeySpec"
  | "KeyStorePasswordType"
  | "KeyUsageType"
  | "LimitType"
  | "ListAliasesRequest"
  | "ListGrantsRequest"
  | "ListKeyPoliciesRequest"
  | "ListKeyRotationsRequest"
  | "ListKeysRequest"
  | "ListResourceTagsRequest"
  | "ListRetirableGrantsRequest"
  | "MacAlgorithmSpec"
  | "MarkerType"
  | "MessageType"
  | "NullableBooleanType"
  | "NumberOfBytesType"
  | "OriginType"
  | "PendingWindowInDaysType"
  | "PlaintextType"
  | "PolicyNameType"
  | "PolicyType"
  | "PrincipalIdType"
  | "PublicKeyType"
  | "PutKeyPolicyRequest"
  | "ReEncryptRequest"
  | "RecipientInfo"
  | "RegionType"
  | "ReplicateKeyRequest"
  | "RetireGrantRequest"
  | "RevokeGrantRequest"
  | "RotateKeyOnDemandRequest"
  | "RotationPeriodInDaysType"
  | "ScheduleKeyDeletionRequest"
  | "SignRequest"
  | "SigningAlgorithmSpec"
  | "Tag"
  | "TagKeyList"
  | "TagKeyType"
  | "TagList"
  | "TagResourceRequest"
  | "TagValueType"
  | "TrustAnchorCertificateType"
  | "UntagResourceRequest"
  | "UpdateAliasRequest"
  | "UpdateCustomKeyStoreRequest"
  | "UpdateKeyDescriptionRequest"
  | "UpdatePrimaryRegionRequest"
  | "VerifyMacRequest"
  | "VerifyRequest"
  | "WrappingKeySpec"
  | "XksKeyIdType"
  | "XksProxyAuthenticationAccessKeyIdType"
  | "XksProxyAuthenticationCredentialType"
  | "XksProxyAuthenticationRawSecretAccessKeyType"
  | "XksProxyConnectivityType"
  | "XksProxyUriEndpointType"
  | "XksProxyUriPathType"
  | "XksProxyVpcEndpointServiceNameType";

export const operationNames: readonly OperationName[] = ["CancelKeyDeletion","ConnectCustomKeyStore","CreateAlias","CreateCustomKeyStore","CreateGrant","CreateKey","Decrypt","DeleteAlias","DeleteCustomKeyStore","DeleteImportedKeyMaterial","DeriveSharedSecret","DescribeCustomKeyStores","DescribeKey","DisableKey","DisableKeyRotation","DisconnectCustomKeyStore","EnableKey","EnableKeyRotation","Encrypt","GenerateDataKey","GenerateDataKeyPair","GenerateDataKeyPairWithoutPlaintext","GenerateDataKeyWithoutPlaintext","GenerateMac","GenerateRandom","GetKeyLastUsage","GetKeyPolicy","GetKeyRotationStatus","GetParametersForImport","GetPublicKey","ImportKeyMaterial","ListAliases","ListGrants","ListKeyPolicies","ListKeyRotations","ListKeys","ListResourceTags","ListRetirableGrants","PutKeyPolicy","ReEncrypt","ReplicateKey","RetireGrant","RevokeGrant","RotateKeyOnDemand","ScheduleKeyDeletion","Sign","TagResource","UntagResource","UpdateAlias","UpdateCustomKeyStore","UpdateKeyDescription","UpdatePrimaryRegion","Verify","VerifyMac"];

export const operationInputShape: Readonly<Record<OperationName, ShapeName>> = {
  CancelKeyDeletion: "CancelKeyDeletionRequest",
  ConnectCustomKeyStore: "ConnectCustomKeyStoreRequest",
  CreateAlias: "CreateAliasRequest",
  CreateCustomKeyStore: "CreateCustomKeyStoreRequest",
  CreateGrant: "CreateGrantRequest",
  CreateKey: "CreateKeyRequest",
  Decrypt: "DecryptRequest",
  DeleteAlias: "DeleteAliasRequest",
  DeleteCustomKeyStore: "DeleteCustomKeyStoreRequest",
  DeleteImportedKeyMaterial: "DeleteImportedKeyMaterialRequest",
  DeriveSharedSecret: "DeriveSharedSecretRequest",
  DescribeCustomKeyStores: "DescribeCustomKeyStoresRequest",
  DescribeKey: "DescribeKeyRequest",
  DisableKey: "DisableKeyRequest",
  DisableKeyRotation: "DisableKeyRotationRequest",
  DisconnectCustomKeyStore: "DisconnectCustomKeyStoreRequest",
  EnableKey: "EnableKeyRequest",
  EnableKeyRotation: "EnableKeyRotationRequest",
  Encrypt: "EncryptRequest",
  GenerateDataKey: "GenerateDataKeyRequest",
  GenerateDataKeyPair: "GenerateDataKeyPairRequest",
  GenerateDataKeyPairWithoutPlaintext: "GenerateDataKeyPairWithoutPlaintextRequest",
  GenerateDataKeyWithoutPlaintext: "GenerateDataKeyWithoutPlaintextRequest",
  GenerateMac: "GenerateMacRequest",
  GenerateRandom: "GenerateRandomRequest",
  GetKeyLastUsage: "GetKeyLastUsageRequest",
  GetKeyPolicy: "GetKeyPolicyRequest",
  GetKeyRotationStatus: "GetKeyRotationStatusRequest",
  GetParametersForImport: "GetParametersForImportRequest",
  GetPublicKey: "GetPublicKeyRequest",
  ImportKeyMaterial: "ImportKeyMaterialRequest",
  ListAliases: "ListAliasesRequest",
  ListGrants: "ListGrantsRequest",
  ListKeyPolicies: "ListKeyPoliciesRequest",
  ListKeyRotations: "ListKeyRotationsRequest",
  ListKeys: "ListKeysRequest",
  ListResourceTags: "ListResourceTagsRequest",
  ListRetirableGrants: "ListRetirableGrantsRequest",
  PutKeyPolicy: "PutKeyPolicyRequest",
  ReEncrypt: "ReEncryptRequest",
  ReplicateKey: "ReplicateKeyRequest",
  RetireGrant: "RetireGrantRequest",
  RevokeGrant: "RevokeGrantRequest",
  RotateKeyOnDemand: "RotateKeyOnDemandRequest",
  ScheduleKeyDeletion: "ScheduleKeyDeletionRequest",
  Sign: "SignRequest",
  TagResource: "TagResourceRequest",
  UntagResource: "UntagResourceRequest",
  UpdateAlias: "UpdateAliasRequest",
  UpdateCustomKeyStore: "UpdateCustomKeyStoreRequest",
  UpdateKeyDescription: "UpdateKeyDescriptionRequest",
  UpdatePrimaryRegion: "UpdatePrimaryRegionRequest",
  Verify: "VerifyRequest",
  VerifyMac: "VerifyMacRequest",
};

/** For reference only: output shapes are not described here. */
export const operationOutputShape: Readonly<Record<OperationName, string | null>> = {
  CancelKeyDeletion: "CancelKeyDeletionResponse",
  ConnectCustomKeyStore: "ConnectCustomKeyStoreResponse",
  CreateAlias: null,
  CreateCustomKeyStore: "CreateCustomKeyStoreResponse",
  CreateGrant: "CreateGrantResponse",
  CreateKey: "CreateKeyResponse",
  Decrypt: "DecryptResponse",
  DeleteAlias: null,
  DeleteCustomKeyStore: "DeleteCustomKeyStoreResponse",
  DeleteImportedKeyMaterial: "DeleteImportedKeyMaterialResponse",
  DeriveSharedSecret: "DeriveSharedSecretResponse",
  DescribeCustomKeyStores: "DescribeCustomKeyStoresResponse",
  DescribeKey: "DescribeKeyResponse",
  DisableKey: null,
  DisableKeyRotation: null,
  DisconnectCustomKeyStore: "DisconnectCustomKeyStoreResponse",
  EnableKey: null,
  EnableKeyRotation: null,
  Encrypt: "EncryptResponse",
  GenerateDataKey: "GenerateDataKeyResponse",
  GenerateDataKeyPair: "GenerateDataKeyPairResponse",
  GenerateDataKeyPairWithoutPlaintext: "GenerateDataKeyPairWithoutPlaintextResponse",
  GenerateDataKeyWithoutPlaintext: "GenerateDataKeyWithoutPlaintextResponse",
  GenerateMac: "GenerateMacResponse",
  GenerateRandom: "GenerateRandomResponse",
  GetKeyLastUsage: "GetKeyLastUsageResponse",
  GetKeyPolicy: "GetKeyPolicyResponse",
  GetKeyRotationStatus: "GetKeyRotationStatusResponse",
  GetParametersForImport: "GetParametersForImportResponse",
  GetPublicKey: "GetPublicKeyResponse",
  ImportKeyMaterial: "ImportKeyMaterialResponse",
  ListAliases: "ListAliasesResponse",
  ListGrants: "ListGrantsResponse",
  ListKeyPolicies: "ListKeyPoliciesResponse",
  ListKeyRotations: "ListKeyRotationsResponse",
  ListKeys: "ListKeysResponse",
  ListResourceTags: "ListResourceTagsResponse",
  ListRetirableGrants: "ListGrantsResponse",
  PutKeyPolicy: null,
  ReEncrypt: "ReEncryptResponse",
  ReplicateKey: "ReplicateKeyResponse",
  RetireGrant: null,
  RevokeGrant: null,
  RotateKeyOnDemand: "RotateKeyOnDemandResponse",
  ScheduleKeyDeletion: "ScheduleKeyDeletionResponse",
  Sign: "SignResponse",
  TagResource: null,
  UntagResource: null,
  UpdateAlias: null,
  UpdateCustomKeyStore: "UpdateCustomKeyStoreResponse",
  UpdateKeyDescription: null,
  UpdatePrimaryRegion: null,
  Verify: "VerifyResponse",
  VerifyMac: "VerifyMacResponse",
};

export const shapes: Readonly<Record<ShapeName, Shape>> = {
  AccountIdType: { type: "string", min: 12, max: 12, pattern: "[0-9]{12}" },
  AlgorithmSpec: { type: "string", enum: ["RSAES_PKCS1_V1_5","RSAES_OAEP_SHA_1","RSAES_OAEP_SHA_256","RSA_AES_KEY_WRAP_SHA_1","RSA_AES_KEY_WRAP_SHA_256","SM2PKE"] },
  AliasNameType: { type: "string", min: 1, max: 256, pattern: "^[a-zA-Z0-9:/_-]+$" },
  AttestationDocumentType: { type: "blob", min: 1, max: 262144 },
  BackingKeyIdType: { type: "string", min: 64, max: 64, pattern: "^[a-f0-9]+$" },
  BooleanType: { type: "boolean" },
  CancelKeyDeletionRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  CiphertextType: { type: "blob", min: 1, max: 6144 },
  CloudHsmClusterIdType: { type: "string", min: 19, max: 24, pattern: "cluster-[2-7a-zA-Z]{11,16}" },
  ConnectCustomKeyStoreRequest: { type: "structure", members: { CustomKeyStoreId: "CustomKeyStoreIdType" }, required: ["CustomKeyStoreId"] },
  CreateAliasRequest: { type: "structure", members: { AliasName: "AliasNameType", TargetKeyId: "KeyIdType" }, required: ["AliasName","TargetKeyId"] },
  CreateCustomKeyStoreRequest: { type: "structure", members: { CloudHsmClusterId: "CloudHsmClusterIdType", CustomKeyStoreName: "CustomKeyStoreNameType", CustomKeyStoreType: "CustomKeyStoreType", KeyStorePassword: "KeyStorePasswordType", TrustAnchorCertificate: "TrustAnchorCertificateType", XksProxyAuthenticationCredential: "XksProxyAuthenticationCredentialType", XksProxyConnectivity: "XksProxyConnectivityType", XksProxyUriEndpoint: "XksProxyUriEndpointType", XksProxyUriPath: "XksProxyUriPathType", XksProxyVpcEndpointServiceName: "XksProxyVpcEndpointServiceNameType", XksProxyVpcEndpointServiceOwner: "AccountIdType" }, required: ["CustomKeyStoreName"] },
  CreateGrantRequest: { type: "structure", members: { Constraints: "GrantConstraints", DryRun: "NullableBooleanType", GrantTokens: "GrantTokenList", GranteePrincipal: "PrincipalIdType", KeyId: "KeyIdType", Name: "GrantNameType", Operations: "GrantOperationList", RetiringPrincipal: "PrincipalIdType" }, required: ["GranteePrincipal","KeyId","Operations"] },
  CreateKeyRequest: { type: "structure", members: { BypassPolicyLockoutSafetyCheck: "BooleanType", CustomKeyStoreId: "CustomKeyStoreIdType", CustomerMasterKeySpec: "CustomerMasterKeySpec", Description: "DescriptionType", KeySpec: "KeySpec", KeyUsage: "KeyUsageType", MultiRegion: "NullableBooleanType", Origin: "OriginType", Policy: "PolicyType", Tags: "TagList", XksKeyId: "XksKeyIdType" } },
  CustomKeyStoreIdType: { type: "string", min: 1, max: 64 },
  CustomKeyStoreNameType: { type: "string", min: 1, max: 256 },
  CustomKeyStoreType: { type: "string", enum: ["AWS_CLOUDHSM","EXTERNAL_KEY_STORE"] },
  CustomerMasterKeySpec: { type: "string", enum: ["RSA_2048","RSA_3072","RSA_4096","ECC_NIST_P256","ECC_NIST_P384","ECC_NIST_P521","ECC_SECG_P256K1","SYMMETRIC_DEFAULT","HMAC_224","HMAC_256","HMAC_384","HMAC_512","SM2"] },
  DataKeyPairSpec: { type: "string", enum: ["RSA_2048","RSA_3072","RSA_4096","ECC_NIST_P256","ECC_NIST_P384","ECC_NIST_P521","ECC_SECG_P256K1","SM2","ECC_NIST_EDWARDS25519"] },
  DataKeySpec: { type: "string", enum: ["AES_256","AES_128"] },
  DateType: { type: "timestamp" },
  DecryptRequest: { type: "structure", members: { CiphertextBlob: "CiphertextType", DryRun: "NullableBooleanType", DryRunModifiers: "DryRunModifierList", EncryptionAlgorithm: "EncryptionAlgorithmSpec", EncryptionContext: "EncryptionContextType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", Recipient: "RecipientInfo" } },
  DeleteAliasRequest: { type: "structure", members: { AliasName: "AliasNameType" }, required: ["AliasName"] },
  DeleteCustomKeyStoreRequest: { type: "structure", members: { CustomKeyStoreId: "CustomKeyStoreIdType" }, required: ["CustomKeyStoreId"] },
  DeleteImportedKeyMaterialRequest: { type: "structure", members: { KeyId: "KeyIdType", KeyMaterialId: "BackingKeyIdType" }, required: ["KeyId"] },
  DeriveSharedSecretRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantTokens: "GrantTokenList", KeyAgreementAlgorithm: "KeyAgreementAlgorithmSpec", KeyId: "KeyIdType", PublicKey: "PublicKeyType", Recipient: "RecipientInfo" }, required: ["KeyAgreementAlgorithm","KeyId","PublicKey"] },
  DescribeCustomKeyStoresRequest: { type: "structure", members: { CustomKeyStoreId: "CustomKeyStoreIdType", CustomKeyStoreName: "CustomKeyStoreNameType", Limit: "LimitType", Marker: "MarkerType" } },
  DescribeKeyRequest: { type: "structure", members: { GrantTokens: "GrantTokenList", KeyId: "KeyIdType" }, required: ["KeyId"] },
  DescriptionType: { type: "string", min: 0, max: 8192 },
  DisableKeyRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  DisableKeyRotationRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  DisconnectCustomKeyStoreRequest: { type: "structure", members: { CustomKeyStoreId: "CustomKeyStoreIdType" }, required: ["CustomKeyStoreId"] },
  DryRunModifierList: { type: "list", member: "DryRunModifierType" },
  DryRunModifierType: { type: "string", enum: ["IGNORE_CIPHERTEXT"] },
  EnableKeyRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  EnableKeyRotationRequest: { type: "structure", members: { KeyId: "KeyIdType", RotationPeriodInDays: "RotationPeriodInDaysType" }, required: ["KeyId"] },
  EncryptRequest: { type: "structure", members: { DryRun: "NullableBooleanType", EncryptionAlgorithm: "EncryptionAlgorithmSpec", EncryptionContext: "EncryptionContextType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", Plaintext: "PlaintextType" }, required: ["KeyId","Plaintext"] },
  EncryptionAlgorithmSpec: { type: "string", enum: ["SYMMETRIC_DEFAULT","RSAES_OAEP_SHA_1","RSAES_OAEP_SHA_256","SM2PKE"] },
  EncryptionContextKey: { type: "string" },
  EncryptionContextType: { type: "map", key: "EncryptionContextKey", value: "EncryptionContextValue" },
  EncryptionContextValue: { type: "string" },
  ExpirationModelType: { type: "string", enum: ["KEY_MATERIAL_EXPIRES","KEY_MATERIAL_DOES_NOT_EXPIRE"] },
  GenerateDataKeyPairRequest: { type: "structure", members: { DryRun: "NullableBooleanType", EncryptionContext: "EncryptionContextType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", KeyPairSpec: "DataKeyPairSpec", Recipient: "RecipientInfo" }, required: ["KeyId","KeyPairSpec"] },
  GenerateDataKeyPairWithoutPlaintextRequest: { type: "structure", members: { DryRun: "NullableBooleanType", EncryptionContext: "EncryptionContextType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", KeyPairSpec: "DataKeyPairSpec" }, required: ["KeyId","KeyPairSpec"] },
  GenerateDataKeyRequest: { type: "structure", members: { DryRun: "NullableBooleanType", EncryptionContext: "EncryptionContextType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", KeySpec: "DataKeySpec", NumberOfBytes: "NumberOfBytesType", Recipient: "RecipientInfo" }, required: ["KeyId"] },
  GenerateDataKeyWithoutPlaintextRequest: { type: "structure", members: { DryRun: "NullableBooleanType", EncryptionContext: "EncryptionContextType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", KeySpec: "DataKeySpec", NumberOfBytes: "NumberOfBytesType" }, required: ["KeyId"] },
  GenerateMacRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", MacAlgorithm: "MacAlgorithmSpec", Message: "PlaintextType" }, required: ["KeyId","MacAlgorithm","Message"] },
  GenerateRandomRequest: { type: "structure", members: { CustomKeyStoreId: "CustomKeyStoreIdType", NumberOfBytes: "NumberOfBytesType", Recipient: "RecipientInfo" } },
  GetKeyLastUsageRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  GetKeyPolicyRequest: { type: "structure", members: { KeyId: "KeyIdType", PolicyName: "PolicyNameType" }, required: ["KeyId"] },
  GetKeyRotationStatusRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  GetParametersForImportRequest: { type: "structure", members: { KeyId: "KeyIdType", WrappingAlgorithm: "AlgorithmSpec", WrappingKeySpec: "WrappingKeySpec" }, required: ["KeyId","WrappingAlgorithm","WrappingKeySpec"] },
  GetPublicKeyRequest: { type: "structure", members: { GrantTokens: "GrantTokenList", KeyId: "KeyIdType" }, required: ["KeyId"] },
  GrantConstraints: { type: "structure", members: { EncryptionContextEquals: "EncryptionContextType", EncryptionContextSubset: "EncryptionContextType" } },
  GrantIdType: { type: "string", min: 1, max: 128 },
  GrantNameType: { type: "string", min: 1, max: 256, pattern: "^[a-zA-Z0-9:/_-]+$" },
  GrantOperation: { type: "string", enum: ["Decrypt","Encrypt","GenerateDataKey","GenerateDataKeyWithoutPlaintext","ReEncryptFrom","ReEncryptTo","Sign","Verify","GetPublicKey","CreateGrant","RetireGrant","DescribeKey","GenerateDataKeyPair","GenerateDataKeyPairWithoutPlaintext","GenerateMac","VerifyMac","DeriveSharedSecret"] },
  GrantOperationList: { type: "list", member: "GrantOperation" },
  GrantTokenList: { type: "list", member: "GrantTokenType", min: 0, max: 10 },
  GrantTokenType: { type: "string", min: 1, max: 8192 },
  ImportKeyMaterialRequest: { type: "structure", members: { EncryptedKeyMaterial: "CiphertextType", ExpirationModel: "ExpirationModelType", ImportToken: "CiphertextType", ImportType: "ImportType", KeyId: "KeyIdType", KeyMaterialDescription: "KeyMaterialDescriptionType", KeyMaterialId: "BackingKeyIdType", ValidTo: "DateType" }, required: ["EncryptedKeyMaterial","ImportToken","KeyId"] },
  ImportType: { type: "string", enum: ["NEW_KEY_MATERIAL","EXISTING_KEY_MATERIAL"] },
  IncludeKeyMaterial: { type: "string", enum: ["ALL_KEY_MATERIAL","ROTATIONS_ONLY"] },
  KeyAgreementAlgorithmSpec: { type: "string", enum: ["ECDH"] },
  KeyEncryptionMechanism: { type: "string", enum: ["RSAES_OAEP_SHA_256"] },
  KeyIdType: { type: "string", min: 1, max: 2048 },
  KeyMaterialDescriptionType: { type: "string", min: 0, max: 256, pattern: "^[a-zA-Z0-9:/_\\s.-]+$" },
  KeySpec: { type: "string", enum: ["RSA_2048","RSA_3072","RSA_4096","ECC_NIST_P256","ECC_NIST_P384","ECC_NIST_P521","ECC_SECG_P256K1","SYMMETRIC_DEFAULT","HMAC_224","HMAC_256","HMAC_384","HMAC_512","SM2","ML_DSA_44","ML_DSA_65","ML_DSA_87","ECC_NIST_EDWARDS25519"] },
  KeyStorePasswordType: { type: "string", min: 7, max: 32, sensitive: true },
  KeyUsageType: { type: "string", enum: ["SIGN_VERIFY","ENCRYPT_DECRYPT","GENERATE_VERIFY_MAC","KEY_AGREEMENT"] },
  LimitType: { type: "integer", min: 1, max: 1000 },
  ListAliasesRequest: { type: "structure", members: { KeyId: "KeyIdType", Limit: "LimitType", Marker: "MarkerType" } },
  ListGrantsRequest: { type: "structure", members: { GrantId: "GrantIdType", GranteePrincipal: "PrincipalIdType", KeyId: "KeyIdType", Limit: "LimitType", Marker: "MarkerType" }, required: ["KeyId"] },
  ListKeyPoliciesRequest: { type: "structure", members: { KeyId: "KeyIdType", Limit: "LimitType", Marker: "MarkerType" }, required: ["KeyId"] },
  ListKeyRotationsRequest: { type: "structure", members: { IncludeKeyMaterial: "IncludeKeyMaterial", KeyId: "KeyIdType", Limit: "LimitType", Marker: "MarkerType" }, required: ["KeyId"] },
  ListKeysRequest: { type: "structure", members: { Limit: "LimitType", Marker: "MarkerType" } },
  ListResourceTagsRequest: { type: "structure", members: { KeyId: "KeyIdType", Limit: "LimitType", Marker: "MarkerType" }, required: ["KeyId"] },
  ListRetirableGrantsRequest: { type: "structure", members: { Limit: "LimitType", Marker: "MarkerType", RetiringPrincipal: "PrincipalIdType" }, required: ["RetiringPrincipal"] },
  MacAlgorithmSpec: { type: "string", enum: ["HMAC_SHA_224","HMAC_SHA_256","HMAC_SHA_384","HMAC_SHA_512"] },
  MarkerType: { type: "string", min: 1, max: 1024, pattern: "[\\u0020-\\u00FF]*" },
  MessageType: { type: "string", enum: ["RAW","DIGEST","EXTERNAL_MU"] },
  NullableBooleanType: { type: "boolean" },
  NumberOfBytesType: { type: "integer", min: 1, max: 1024 },
  OriginType: { type: "string", enum: ["AWS_KMS","EXTERNAL","AWS_CLOUDHSM","EXTERNAL_KEY_STORE"] },
  PendingWindowInDaysType: { type: "integer", min: 1, max: 365 },
  PlaintextType: { type: "blob", min: 1, max: 4096, sensitive: true },
  PolicyNameType: { type: "string", min: 1, max: 128, pattern: "[\\w]+" },
  PolicyType: { type: "string", min: 1, max: 131072, pattern: "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+" },
  PrincipalIdType: { type: "string", min: 1, max: 256, pattern: "^[\\w+=,.@:/-]+$" },
  PublicKeyType: { type: "blob", min: 1, max: 8192 },
  PutKeyPolicyRequest: { type: "structure", members: { BypassPolicyLockoutSafetyCheck: "BooleanType", KeyId: "KeyIdType", Policy: "PolicyType", PolicyName: "PolicyNameType" }, required: ["KeyId","Policy"] },
  ReEncryptRequest: { type: "structure", members: { CiphertextBlob: "CiphertextType", DestinationEncryptionAlgorithm: "EncryptionAlgorithmSpec", DestinationEncryptionContext: "EncryptionContextType", DestinationKeyId: "KeyIdType", DryRun: "NullableBooleanType", DryRunModifiers: "DryRunModifierList", GrantTokens: "GrantTokenList", SourceEncryptionAlgorithm: "EncryptionAlgorithmSpec", SourceEncryptionContext: "EncryptionContextType", SourceKeyId: "KeyIdType" }, required: ["DestinationKeyId"] },
  RecipientInfo: { type: "structure", members: { AttestationDocument: "AttestationDocumentType", KeyEncryptionAlgorithm: "KeyEncryptionMechanism" } },
  RegionType: { type: "string", min: 1, max: 32, pattern: "^([a-z]+-){2,3}\\d+$" },
  ReplicateKeyRequest: { type: "structure", members: { BypassPolicyLockoutSafetyCheck: "BooleanType", Description: "DescriptionType", KeyId: "KeyIdType", Policy: "PolicyType", ReplicaRegion: "RegionType", Tags: "TagList" }, required: ["KeyId","ReplicaRegion"] },
  RetireGrantRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantId: "GrantIdType", GrantToken: "GrantTokenType", KeyId: "KeyIdType" } },
  RevokeGrantRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantId: "GrantIdType", KeyId: "KeyIdType" }, required: ["GrantId","KeyId"] },
  RotateKeyOnDemandRequest: { type: "structure", members: { KeyId: "KeyIdType" }, required: ["KeyId"] },
  RotationPeriodInDaysType: { type: "integer", min: 90, max: 2560 },
  ScheduleKeyDeletionRequest: { type: "structure", members: { KeyId: "KeyIdType", PendingWindowInDays: "PendingWindowInDaysType" }, required: ["KeyId"] },
  SignRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", Message: "PlaintextType", MessageType: "MessageType", SigningAlgorithm: "SigningAlgorithmSpec" }, required: ["KeyId","Message","SigningAlgorithm"] },
  SigningAlgorithmSpec: { type: "string", enum: ["RSASSA_PSS_SHA_256","RSASSA_PSS_SHA_384","RSASSA_PSS_SHA_512","RSASSA_PKCS1_V1_5_SHA_256","RSASSA_PKCS1_V1_5_SHA_384","RSASSA_PKCS1_V1_5_SHA_512","ECDSA_SHA_256","ECDSA_SHA_384","ECDSA_SHA_512","SM2DSA","ML_DSA_SHAKE_256","ED25519_SHA_512","ED25519_PH_SHA_512"] },
  Tag: { type: "structure", members: { TagKey: "TagKeyType", TagValue: "TagValueType" }, required: ["TagKey","TagValue"] },
  TagKeyList: { type: "list", member: "TagKeyType" },
  TagKeyType: { type: "string", min: 1, max: 128 },
  TagList: { type: "list", member: "Tag" },
  TagResourceRequest: { type: "structure", members: { KeyId: "KeyIdType", Tags: "TagList" }, required: ["KeyId","Tags"] },
  TagValueType: { type: "string", min: 0, max: 256 },
  TrustAnchorCertificateType: { type: "string", min: 1, max: 5000 },
  UntagResourceRequest: { type: "structure", members: { KeyId: "KeyIdType", TagKeys: "TagKeyList" }, required: ["KeyId","TagKeys"] },
  UpdateAliasRequest: { type: "structure", members: { AliasName: "AliasNameType", TargetKeyId: "KeyIdType" }, required: ["AliasName","TargetKeyId"] },
  UpdateCustomKeyStoreRequest: { type: "structure", members: { CloudHsmClusterId: "CloudHsmClusterIdType", CustomKeyStoreId: "CustomKeyStoreIdType", KeyStorePassword: "KeyStorePasswordType", NewCustomKeyStoreName: "CustomKeyStoreNameType", XksProxyAuthenticationCredential: "XksProxyAuthenticationCredentialType", XksProxyConnectivity: "XksProxyConnectivityType", XksProxyUriEndpoint: "XksProxyUriEndpointType", XksProxyUriPath: "XksProxyUriPathType", XksProxyVpcEndpointServiceName: "XksProxyVpcEndpointServiceNameType", XksProxyVpcEndpointServiceOwner: "AccountIdType" }, required: ["CustomKeyStoreId"] },
  UpdateKeyDescriptionRequest: { type: "structure", members: { Description: "DescriptionType", KeyId: "KeyIdType" }, required: ["Description","KeyId"] },
  UpdatePrimaryRegionRequest: { type: "structure", members: { KeyId: "KeyIdType", PrimaryRegion: "RegionType" }, required: ["KeyId","PrimaryRegion"] },
  VerifyMacRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", Mac: "CiphertextType", MacAlgorithm: "MacAlgorithmSpec", Message: "PlaintextType" }, required: ["KeyId","Mac","MacAlgorithm","Message"] },
  VerifyRequest: { type: "structure", members: { DryRun: "NullableBooleanType", GrantTokens: "GrantTokenList", KeyId: "KeyIdType", Message: "PlaintextType", MessageType: "MessageType", Signature: "CiphertextType", SigningAlgorithm: "SigningAlgorithmSpec" }, required: ["KeyId","Message","Signature","SigningAlgorithm"] },
  WrappingKeySpec: { type: "string", enum: ["RSA_2048","RSA_3072","RSA_4096","SM2"] },
  XksKeyIdType: { type: "string", min: 1, max: 128, pattern: "^[a-zA-Z0-9-_.]+$" },
  XksProxyAuthenticationAccessKeyIdType: { type: "string", min: 20, max: 30, pattern: "^[A-Z2-7]+$", sensitive: true },
  XksProxyAuthenticationCredentialType: { type: "structure", members: { AccessKeyId: "XksProxyAuthenticationAccessKeyIdType", RawSecretAccessKey: "XksProxyAuthenticationRawSecretAccessKeyType" }, required: ["AccessKeyId","RawSecretAccessKey"] },
  XksProxyAuthenticationRawSecretAccessKeyType: { type: "string", min: 43, max: 64, pattern: "^[a-zA-Z0-9\\/+=]+$", sensitive: true },
  XksProxyConnectivityType: { type: "string", enum: ["PUBLIC_ENDPOINT","VPC_ENDPOINT_SERVICE"] },
  XksProxyUriEndpointType: { type: "string", min: 10, max: 128, pattern: "^https://[a-zA-Z0-9.-]+$" },
  XksProxyUriPathType: { type: "string", min: 10, max: 128, pattern: "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$" },
  XksProxyVpcEndpointServiceNameType: { type: "string", min: 20, max: 64, pattern: "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$" },
};
