/**
 * The off-chain document core: certificate documents, type registry and validation, field hashing,
 * selective disclosure, Merkle batching and offline verification. No I/O, no global state: the
 * service, the CLI and the browser page all build on it.
 */
export { CoreError, CertificateValidationError, isCoreError } from "./errors.ts";
export type { CoreErrorCode, FieldIssue, FieldIssueCode } from "./errors.ts";

export { Keccak256, toHex32 } from "./hashing/keccak.ts";
export { fieldPreimage, fieldHash, fieldHashes, computeLeaf, leafFromFields, LEAF_DOMAIN } from "./hashing/fields.ts";
export type { BoundField } from "./hashing/fields.ts";

export { DOCUMENT_VERSION, LEGACY_DOCUMENT_VERSION } from "./document/model.ts";
export type {
  BatchedDocument,
  CertificateDocument,
  CertificateInput,
  FieldValue,
  Issuer,
  ProofBlock,
} from "./document/model.ts";
export { certificateDocumentSchema, batchedDocumentSchema, proofBlockSchema } from "./document/schema.ts";
export { REQUIRED_VISIBLE_PATHS, HIDEABLE_ENVELOPE_PATHS, isHideablePath, typeRuleProblem } from "./document/paths.ts";
export { createDocument, createDocuments, SALT_BYTES } from "./document/create.ts";
export type { CreateOptions, CreatedDocuments } from "./document/create.ts";
export { disclose, hideFields } from "./document/disclose.ts";

export { CertificateBatchTree, batchMultiProof, treeNode, processProof } from "./batch/merkle.ts";
export type { BatchMultiProof } from "./batch/merkle.ts";
export { wrapBatch, batchDocuments, withProof, attachAnchor } from "./batch/wrap.ts";
export type { WrappedBatch } from "./batch/wrap.ts";

export { CertificateTypeRegistry, schemaHash } from "./registry/registry.ts";
export { certificateTypeSchema, fieldDefinitionSchema } from "./registry/definition.ts";
export type { CertificateType, FieldDefinition } from "./registry/definition.ts";
export { builtinTypes, BUILTIN_TYPE_DEFINITIONS } from "./registry/builtin.ts";

export { checkUscc, usccCheckChar } from "./validation/uscc.ts";
export { checkResidentId, residentIdCheckChar } from "./validation/residentId.ts";
export { Jurisdictions, builtinJurisdictions } from "./validation/jurisdictions.ts";
export type { AdminDivision } from "./validation/jurisdictions.ts";
export { createSubjectValidator } from "./validation/subject.ts";
export type { SubjectValidator, SubjectValidationContext } from "./validation/subject.ts";
export { isCalendarDate, isDateTime } from "./validation/dates.ts";

export { verifyOffline, certificateOf, LEGACY_REFUSAL } from "./verification/offline.ts";
export type { OfflineVerification } from "./verification/offline.ts";

export { DOCUMENT_JSON_SCHEMA } from "./schema/jsonSchema.ts";

export { TrustAnchors, describeDeployment } from "./trust/deployments.ts";
export type { TrustedDeployment, DeploymentName } from "./trust/deployments.ts";
export {
  TRUST_LIST_FORMAT,
  TrustListError,
  parseTrustList,
  signTrustList,
  trustListPayload,
  verifyTrustList,
} from "./trust/trustList.ts";
export type { SignedTrustList, TrustListContent, TrustListErrorCode, VerifiedTrustList } from "./trust/trustList.ts";
export { maskValue } from "./disclosure/mask.ts";
export { publicView, presentedView, withView } from "./disclosure/views.ts";
export { DISCLOSURE_CLASSES, DISCLOSURE_MEANINGS, MASK_KINDS, maskKindOf } from "./registry/definition.ts";
export type { DisclosureClass, MaskKind } from "./registry/definition.ts";
export { isPresentationLive, presentationExpiredResult, presentedResult } from "./verification/presentation.ts";
export type { PresentationWindow } from "./verification/presentation.ts";
