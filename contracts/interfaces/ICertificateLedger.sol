// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAgencyRegistry} from "./IAgencyRegistry.sol";

/// @title Certificate ledger: Merkle roots of certificate batches and the status of each certificate
/// @notice A tree node is `keccak256(bytes.concat(keccak256(abi.encode(leaf, index))))` (the
/// OpenZeppelin StandardMerkleTree leaf for `["bytes32", "uint256"]`), internal nodes hash sorted
/// pairs. `leaf` is the certificate's hash, `index` its position label in the batch (< size), which
/// addresses its status in the batch's bitmap.
interface ICertificateLedger {
    enum LeafStatus {
        Active,
        Suspended,
        Revoked
    }

    /// @dev Packed in one slot: anchoring costs a single storage write whatever the batch size.
    struct Batch {
        address officer;
        uint32 agencyId;
        uint32 anchoredAt;
        uint8 typeId;
        uint24 size;
    }

    /// @notice Everything a verifier needs about one certificate, from one eth_call.
    struct LeafVerification {
        uint256 chainId;
        /// @dev false: the root was never anchored here, and every other field but chainId is zero
        bool anchored;
        /// @dev `(leaf, index)` hashes up to the root through `proof` and `index < batch.size`
        bool proofValid;
        Batch batch;
        /// @dev batch-wide revocation (0 = none) and its RFC 5280 reason code
        uint64 batchRevokedAt;
        uint8 batchRevocationReason;
        /// @dev the certificate's own status and reason code (Active and 0 unless the proof is valid);
        /// a batch revocation does not show here, only in batchRevokedAt
        LeafStatus status;
        uint8 reason;
        /// @dev the issuing agency's current record and metadata hash
        IAgencyRegistry.AgencyStatus agencyStatus;
        uint32 jurisdiction;
        bytes32 agencyMetadataHash;
        /// @dev false when the anchoring officer was declared compromised at or before anchoring
        bool issuerAuthorized;
        uint40 officerCompromisedSince;
    }

    error CertificateLedgerZeroRoot();
    error CertificateLedgerRootExists(bytes32 root);
    error CertificateLedgerUnknownRoot(bytes32 root);
    error CertificateLedgerInvalidSize(uint256 size);
    error CertificateLedgerInvalidIndex(bytes32 root, uint256 index);
    error CertificateLedgerInvalidProof(bytes32 root, bytes32 leaf);
    error CertificateLedgerInvalidReason(uint8 reason);
    error CertificateLedgerBatchRevoked(bytes32 root);
    error CertificateLedgerInvalidTransition(bytes32 leaf, LeafStatus from, LeafStatus to);
    error CertificateLedgerLengthMismatch();
    error CertificateLedgerNoLeaves();
    error CertificateLedgerInvalidRegistry(address registry);

    event BatchAnchored(
        bytes32 indexed root,
        uint32 indexed agencyId,
        address indexed officer,
        uint8 typeId,
        uint24 size
    );
    event BatchRevoked(bytes32 indexed root, uint32 indexed agencyId, address indexed actor, uint8 reason);
    event CertificateRevoked(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint256 index,
        uint8 reason
    );
    event CertificateSuspended(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint256 index,
        uint8 reason
    );
    event CertificateReinstated(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint256 index
    );

    /// @notice The registry this ledger trusts for agencies, officers and types.
    function registry() external view returns (IAgencyRegistry);

    /// @notice Anchors the Merkle root of a batch of `size` certificates of type `typeId`, issued by the
    /// caller's agency. Rejects unknown or removed officers, inactive agencies, unauthorised types,
    /// zero and repeated roots.
    function anchor(bytes32 root, uint8 typeId, uint24 size) external;

    /// @notice Revokes one certificate for good (RFC 5280 reason code). Issuing agency officers or governance.
    function revoke(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        uint8 reason
    ) external;

    /// @notice Suspends one active certificate (RFC 5280 reason code, typically certificateHold = 6).
    function suspend(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        uint8 reason
    ) external;

    /// @notice Lifts the suspension of one certificate.
    function reinstate(bytes32 root, bytes32 leaf, uint256 index, bytes32[] calldata proof) external;

    /// @notice Revokes many certificates of one batch, proven together by one OpenZeppelin multiproof;
    /// `leaves[i]`/`indices[i]` in the multiproof's leaf order.
    function revokeMany(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags,
        uint8 reason
    ) external;

    /// @notice Suspends many active certificates of one batch (multiproof as in revokeMany).
    function suspendMany(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags,
        uint8 reason
    ) external;

    /// @notice Lifts the suspension of many certificates of one batch (multiproof as in revokeMany).
    function reinstateMany(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external;

    /// @notice Revokes a whole batch at once, for emergencies (a batch issued in error, a stolen key).
    function revokeBatch(bytes32 root, uint8 reason) external;

    /// @notice The batch record of `root` (officer zero when unknown).
    function batch(bytes32 root) external view returns (Batch memory);

    /// @notice When batch `root` was revoked as a whole (0 = not revoked) and the reason code.
    function batchRevocation(bytes32 root) external view returns (uint64 revokedAt, uint8 reason);

    /// @notice The status and reason code of the certificate at `index` of batch `root`.
    function leafStatus(bytes32 root, uint256 index) external view returns (LeafStatus status, uint8 reason);

    /// @notice Answers, in one call, whether `leaf` at `index` is proven in batch `root` and everything
    /// a verifier needs about it: batch, statuses, agency and officer. Never reverts on unknown input.
    function verifyLeaf(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (LeafVerification memory);
}
