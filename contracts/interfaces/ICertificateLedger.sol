// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAgencyRegistry} from "./IAgencyRegistry.sol";

/// @title Certificate ledger: Merkle roots of certificate batches and the status of each certificate
/// @notice A tree node is `keccak256(bytes.concat(keccak256(abi.encode(leaf, index))))` (the
/// OpenZeppelin StandardMerkleTree leaf for `["bytes32", "uint256"]`), internal nodes hash sorted
/// pairs. `leaf` is the certificate's hash, `index` its position label in the batch (< size), which
/// addresses its status in the batch's bitmap. A batch is keyed by its agency and its root: a root
/// anchored by one agency never blocks, takes over or shadows another agency's batch of that root.
interface ICertificateLedger {
    enum LeafStatus {
        Active,
        Suspended,
        Revoked
    }

    /// @dev Stored in one slot (agencyId is part of the key, not the slot): anchoring costs a single
    /// storage write whatever the batch size. Every time on chain is a uint40 of unix seconds.
    struct Batch {
        address officer;
        uint32 agencyId;
        uint40 anchoredAt;
        uint8 typeId;
        uint24 size;
    }

    /// @notice Many certificates of one batch, proven together by one OpenZeppelin multiproof:
    /// `leaves[i]`/`indices[i]` in the multiproof's leaf order.
    struct Multiproof {
        bytes32[] leaves;
        uint256[] indices;
        bytes32[] proof;
        bool[] proofFlags;
    }

    /// @notice A status change an officer signs for anyone to relay (`changeStatusBySig`). EIP-712
    /// domain: name "certledger CertificateLedger", version "2", the chain id and this ledger. Type:
    /// `StatusChange(address officer,uint32 agencyId,bytes32 root,bytes32 leaf,uint256 index,uint8 status,uint8 reason,uint32 version,uint256 deadline)`
    /// with `version` = `statusVersion(agencyId, root, index)` when it is sent; `status` is the
    /// LeafStatus to move to (Revoked, Suspended, or Active to reinstate; `reason` is ignored then).
    struct StatusChange {
        address officer;
        uint32 agencyId;
        bytes32 root;
        bytes32 leaf;
        uint256 index;
        LeafStatus status;
        uint8 reason;
        /// @dev the version of the certificate's status word the change applies to: moved on by the
        /// change, so a signature is good for one call
        uint32 version;
        uint256 deadline;
    }

    /// @notice Everything a verifier needs about one certificate, from one eth_call.
    struct LeafVerification {
        uint256 chainId;
        /// @dev false: the root was never anchored here, and every other field but chainId is zero
        bool anchored;
        /// @dev `(leaf, index)` hashes up to the root through `proof` and `index < batch.size`
        bool proofValid;
        Batch batch;
        /// @dev batch-wide revocation (0 = none), its RFC 5280 reason code and who revoked
        uint40 batchRevokedAt;
        uint8 batchRevocationReason;
        address batchRevokedBy;
        /// @dev the certificate's own status and reason code (Active and 0 unless the proof is valid);
        /// a batch revocation does not show here, only in batchRevokedAt
        LeafStatus status;
        uint8 reason;
        /// @dev the status was set by governance (a governance hold is lifted by governance only)
        bool statusByGovernance;
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
    /// @dev a `target` word with bits set above the agency id
    error CertificateLedgerInvalidTarget(uint256 target);
    error CertificateLedgerBatchRevoked(bytes32 root);
    error CertificateLedgerInvalidTransition(bytes32 leaf, LeafStatus from, LeafStatus to);
    error CertificateLedgerLengthMismatch();
    error CertificateLedgerNoLeaves();
    /// @dev a suspension governance placed: only governance lifts it
    error CertificateLedgerHeldByGovernance(bytes32 leaf);
    /// @dev restoration undoes only what a key declared compromised did at or after its compromise time
    error CertificateLedgerNotRestorable(bytes32 root, address actor);
    /// @dev raised by OpenZeppelin's MerkleProof in the bulk functions when a multiproof's lengths do
    /// not fit together; declared here so that clients decoding this interface's errors recognise it
    error MerkleProofInvalidMultiproof();
    /// @dev a delegated call's signature is not the named officer's for this message
    error CertificateLedgerInvalidSignature(address officer);
    /// @dev a delegated status change signed for another version of the certificate's status word: it
    /// was applied already, or another delegated change of the word went first (sign it again)
    error CertificateLedgerStatusVersionMismatch(bytes32 leaf, uint32 signed, uint32 current);
    error CertificateLedgerSignatureExpired(address officer, uint256 deadline);

    event BatchAnchored(
        bytes32 indexed root,
        uint32 indexed agencyId,
        address indexed officer,
        uint8 typeId,
        uint24 size
    );
    event BatchRevoked(bytes32 indexed root, uint32 indexed agencyId, address indexed actor, uint8 reason);
    /// @notice Governance undid the revocation of a whole batch by `revokedBy`, a key declared
    /// compromised at or before that revocation.
    event BatchRestored(
        bytes32 indexed root,
        uint32 indexed agencyId,
        address indexed actor,
        address revokedBy
    );
    /// @notice A certificate's status changed. `target` = agencyId << 40 | index << 8 | reason (0 when
    /// reinstated): one data word where three cost 512 gas more per change, as `revoke` takes it.
    event CertificateRevoked(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint256 target
    );
    event CertificateSuspended(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint256 target
    );
    event CertificateReinstated(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint256 target
    );
    /// @notice Governance undid a status set by `compromisedOfficer` (a revocation included): the
    /// certificate is active again.
    event CertificateRestored(
        bytes32 indexed leaf,
        bytes32 indexed root,
        address indexed actor,
        uint32 agencyId,
        uint256 index,
        address compromisedOfficer
    );

    /// @notice EIP-712 type of a delegated anchor (`anchorBySig`):
    /// `Anchor(address officer,bytes32 root,uint8 typeId,uint24 size,uint256 deadline)`. It carries no
    /// nonce: a batch record is never deleted, so a replay finds its root anchored and is refused.
    function ANCHOR_TYPEHASH() external view returns (bytes32);

    /// @notice EIP-712 type of a delegated status change (`changeStatusBySig`), see StatusChange.
    function STATUS_CHANGE_TYPEHASH() external view returns (bytes32);

    /// @notice The version a delegated status change of certificate `index` of batch (`agencyId`, `root`)
    /// must name: the number of delegated changes applied so far to the status word it shares with 31
    /// neighbours (indices with the same `index / 32`). Each applied change moves it on by one.
    function statusVersion(uint32 agencyId, bytes32 root, uint256 index) external view returns (uint32);

    /// @notice `anchor` on behalf of `officer`, sent by anyone (a relayer) with the officer's EIP-712
    /// signature of Anchor(officer, root, typeId, size, deadline). Checked exactly as
    /// the officer's own call; the batch and its event name the officer.
    function anchorBySig(
        address officer,
        bytes32 root,
        uint8 typeId,
        uint24 size,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice `revoke`, `suspend` or `reinstate` on behalf of `change.officer`, sent by anyone with
    /// its EIP-712 signature of the StatusChange (version included), in the EIP-2098 compact form
    /// (`r`, `vs`: s with the recovery bit on top; high-s signatures are refused). Checked exactly as the officer's
    /// own call; the event names the officer. Signatures for certificates in different status words
    /// are independent; two for one word apply in the order they were signed for.
    function changeStatusBySig(
        StatusChange calldata change,
        bytes32[] calldata proof,
        bytes32 r,
        bytes32 vs
    ) external;

    /// @notice Anchors the Merkle root of a batch of `size` certificates of type `typeId`, issued by the
    /// caller's agency: the batch is keyed by (that agency, root). Rejects unknown or removed officers,
    /// inactive agencies, unauthorised types, zero roots and a root the same agency anchored before.
    function anchor(bytes32 root, uint8 typeId, uint24 size) external;

    /// @notice Revokes one certificate for good: the one at the index `target` names in batch (its
    /// agencyId, `root`), for the RFC 5280 reason code it names. Issuing agency officers or governance.
    /// `target` = agencyId << 40 | index << 8 | reason (one calldata word, nothing above bit 71),
    /// the word the status events carry.
    function revoke(bytes32 root, bytes32 leaf, uint256 target, bytes32[] calldata proof) external;

    /// @notice Suspends one active certificate (`target` as for revoke; typically certificateHold = 6).
    function suspend(bytes32 root, bytes32 leaf, uint256 target, bytes32[] calldata proof) external;

    /// @notice Lifts the suspension of one certificate (`target` as for revoke, reason code 0).
    function reinstate(bytes32 root, bytes32 leaf, uint256 target, bytes32[] calldata proof) external;

    /// @notice Revokes many certificates of one batch, proven together by one multiproof.
    function revokeMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        uint8 reason
    ) external;

    /// @notice Suspends many active certificates of one batch (one multiproof).
    function suspendMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        uint8 reason
    ) external;

    /// @notice Lifts the suspension of many certificates of one batch (one multiproof).
    function reinstateMany(uint32 agencyId, bytes32 root, Multiproof calldata certificates) external;

    /// @notice Revokes a whole batch at once, for emergencies (a batch issued in error, a stolen key).
    function revokeBatch(uint32 agencyId, bytes32 root, uint8 reason) external;

    /// @notice Governance only: undoes a whole-batch revocation made by a key declared compromised at or
    /// before the revocation's time.
    function restoreBatch(uint32 agencyId, bytes32 root) external;

    /// @notice Governance only: makes a revoked or suspended certificate active again when its status
    /// was set by an officer of the batch's agency and `compromisedOfficer`, an officer of that agency,
    /// is declared compromised. The contract keeps one bit of provenance per certificate (governance or
    /// officer); which officer set the status, and when, is in the status events, which governance and
    /// every auditor check (the service's reconciliation does) against the compromise time.
    function restoreCertificate(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        address compromisedOfficer
    ) external;

    /// @notice The batch record of (`agencyId`, `root`) (officer zero when unknown).
    function batch(uint32 agencyId, bytes32 root) external view returns (Batch memory);

    /// @notice When batch (`agencyId`, `root`) was revoked as a whole (0 = not revoked), the reason
    /// code and who revoked it.
    function batchRevocation(
        uint32 agencyId,
        bytes32 root
    ) external view returns (uint40 revokedAt, uint8 reason, address actor);

    /// @notice The status and reason code of the certificate at `index` of batch (`agencyId`, `root`).
    function leafStatus(
        uint32 agencyId,
        bytes32 root,
        uint256 index
    ) external view returns (LeafStatus status, uint8 reason);

    /// @notice Answers, in one call, whether `leaf` at `index` is proven in batch (`agencyId`, `root`)
    /// and everything a verifier needs about it: batch, statuses, agency and officer. Never reverts on
    /// unknown input.
    function verifyLeaf(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (LeafVerification memory);
}
