// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";
import {ICertificateLedger} from "./interfaces/ICertificateLedger.sol";

/// @title Certificate ledger: Merkle roots of certificate batches and the status of each certificate
/// @notice Officers anchor one root per batch; the issuing agency's officers (or governance) change the
/// status of proven certificates. Revocation is final.
/// @dev Checks run in a fixed order, one error each: input, batch known, batch not revoked, index,
/// authority, proof, transition.
contract CertificateLedger is ICertificateLedger {
    /// @dev A one-word struct only so that a storage pointer can hold the slot across the registry call.
    struct PackedBatch {
        uint256 packed;
    }

    struct BatchRevocation {
        uint64 revokedAt;
        uint8 reason;
    }

    /// @dev A batch is one word, laid out as the Batch struct (officer from bit 0, then agencyId,
    /// anchoredAt, typeId, size). `typeId`'s top bit (type ids are < 128) marks a whole-batch
    /// revocation, so per-certificate operations learn of it from the one slot they read anyway.
    uint256 private constant _AGENCY_SHIFT = 160;
    uint256 private constant _ANCHORED_AT_SHIFT = 192;
    uint256 private constant _TYPE_SHIFT = 224;
    uint256 private constant _SIZE_SHIFT = 232;
    uint256 private constant _BATCH_REVOKED = uint256(0x80) << _TYPE_SHIFT;
    /// @dev bit `r` set: `r` is an RFC 5280 CRLReason code (0..10, 7 unused)
    uint256 private constant _VALID_REASONS = 0x77f;
    /// @dev 8 bits of status per certificate: low nibble LeafStatus, high nibble reason code
    uint256 private constant _ENTRY_MASK = 0xff;
    uint256 private constant _STATUS_MASK = 0x0f;

    IAgencyRegistry private immutable _registry;

    mapping(bytes32 root => PackedBatch) private _batches;
    mapping(bytes32 root => BatchRevocation) private _batchRevocations;
    /// @dev 32 certificates per word: word `index / 32`, byte `index % 32`
    mapping(bytes32 root => mapping(uint256 word => uint256 entries)) private _statusWords;

    /// @param registry_ the agency registry every anchor and status change is checked against
    constructor(IAgencyRegistry registry_) {
        if (address(registry_).code.length == 0) revert CertificateLedgerInvalidRegistry(address(registry_));
        _registry = registry_;
    }

    /// @inheritdoc ICertificateLedger
    function registry() external view returns (IAgencyRegistry) {
        return _registry;
    }

    /// @inheritdoc ICertificateLedger
    function anchor(bytes32 root, uint8 typeId, uint24 size) external {
        if (root == bytes32(0)) revert CertificateLedgerZeroRoot();
        if (size == 0) revert CertificateLedgerInvalidSize(size);
        PackedBatch storage record = _batches[root];
        if (record.packed != 0) revert CertificateLedgerRootExists(root);
        uint32 agencyId = _requireIssuer(typeId);

        record.packed =
            uint256(uint160(msg.sender)) |
            (uint256(agencyId) << _AGENCY_SHIFT) |
            (uint256(uint32(_now())) << _ANCHORED_AT_SHIFT) |
            (uint256(typeId) << _TYPE_SHIFT) |
            (uint256(size) << _SIZE_SHIFT);
        emit BatchAnchored(root, agencyId, msg.sender, typeId, size);
    }

    /// @inheritdoc ICertificateLedger
    function revoke(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        uint8 reason
    ) external {
        _requireReason(reason);
        _requireProvenLeaf(root, leaf, index, proof);
        _transition(root, leaf, index, LeafStatus.Revoked, reason);
    }

    /// @inheritdoc ICertificateLedger
    function suspend(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        uint8 reason
    ) external {
        _requireReason(reason);
        _requireProvenLeaf(root, leaf, index, proof);
        _transition(root, leaf, index, LeafStatus.Suspended, reason);
    }

    /// @inheritdoc ICertificateLedger
    function reinstate(bytes32 root, bytes32 leaf, uint256 index, bytes32[] calldata proof) external {
        _requireProvenLeaf(root, leaf, index, proof);
        _transition(root, leaf, index, LeafStatus.Active, 0);
    }

    /// @inheritdoc ICertificateLedger
    function revokeMany(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags,
        uint8 reason
    ) external {
        _requireReason(reason);
        _requireProvenLeaves(root, leaves, indices, proof, proofFlags);
        for (uint256 i = 0; i < leaves.length; ++i) {
            _transition(root, leaves[i], indices[i], LeafStatus.Revoked, reason);
        }
    }

    /// @inheritdoc ICertificateLedger
    function suspendMany(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags,
        uint8 reason
    ) external {
        _requireReason(reason);
        _requireProvenLeaves(root, leaves, indices, proof, proofFlags);
        for (uint256 i = 0; i < leaves.length; ++i) {
            _transition(root, leaves[i], indices[i], LeafStatus.Suspended, reason);
        }
    }

    /// @inheritdoc ICertificateLedger
    function reinstateMany(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external {
        _requireProvenLeaves(root, leaves, indices, proof, proofFlags);
        for (uint256 i = 0; i < leaves.length; ++i) {
            _transition(root, leaves[i], indices[i], LeafStatus.Active, 0);
        }
    }

    /// @inheritdoc ICertificateLedger
    function revokeBatch(bytes32 root, uint8 reason) external {
        _requireReason(reason);
        uint256 packed = _liveBatch(root);
        uint32 agencyId = uint32(packed >> _AGENCY_SHIFT);
        _requireStatusAuthority(agencyId);

        _batches[root].packed = packed | _BATCH_REVOKED;
        _batchRevocations[root] = BatchRevocation({revokedAt: _now(), reason: reason});
        emit BatchRevoked(root, agencyId, msg.sender, reason);
    }

    /// @inheritdoc ICertificateLedger
    function batch(bytes32 root) external view returns (Batch memory) {
        return _toBatch(_batches[root].packed);
    }

    /// @inheritdoc ICertificateLedger
    function batchRevocation(bytes32 root) external view returns (uint64 revokedAt, uint8 reason) {
        BatchRevocation storage revocation = _batchRevocations[root];
        return (revocation.revokedAt, revocation.reason);
    }

    /// @inheritdoc ICertificateLedger
    function leafStatus(bytes32 root, uint256 index) external view returns (LeafStatus status, uint8 reason) {
        Batch memory record = _toBatch(_batches[root].packed);
        if (record.officer == address(0)) revert CertificateLedgerUnknownRoot(root);
        if (index >= record.size) revert CertificateLedgerInvalidIndex(root, index);
        return _entry(root, index);
    }

    /// @inheritdoc ICertificateLedger
    function verifyLeaf(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (LeafVerification memory result) {
        result.chainId = block.chainid;
        Batch memory record = _toBatch(_batches[root].packed);
        if (record.officer == address(0)) return result;

        result.anchored = true;
        result.batch = record;
        result.proofValid =
            index < record.size &&
            MerkleProof.verifyCalldata(proof, root, _node(leaf, index));
        if (result.proofValid) (result.status, result.reason) = _entry(root, index);
        BatchRevocation memory revocation = _batchRevocations[root];
        result.batchRevokedAt = revocation.revokedAt;
        result.batchRevocationReason = revocation.reason;

        (IAgencyRegistry.Agency memory issuer, bytes32 metadataHash) = _registry.agency(record.agencyId);
        result.agencyStatus = issuer.status;
        result.jurisdiction = issuer.jurisdiction;
        result.agencyMetadataHash = metadataHash;
        uint40 compromisedSince = _registry.officer(record.officer).compromisedSince;
        result.officerCompromisedSince = compromisedSince;
        result.issuerAuthorized = compromisedSince == 0 || record.anchoredAt < compromisedSince;
    }

    /// @dev The clock: the block time, in the width the records store.
    function _now() internal view virtual returns (uint64) {
        return uint64(block.timestamp);
    }

    /// @dev Known, not batch-revoked, index in range, caller authorised, leaf proven: in that order.
    function _requireProvenLeaf(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) private view {
        uint256 packed = _liveBatch(root);
        if (index >= packed >> _SIZE_SHIFT) revert CertificateLedgerInvalidIndex(root, index);
        _requireStatusAuthority(uint32(packed >> _AGENCY_SHIFT));
        if (!MerkleProof.verifyCalldata(proof, root, _node(leaf, index))) {
            revert CertificateLedgerInvalidProof(root, leaf);
        }
    }

    /// @dev As `_requireProvenLeaf`, for many leaves proven by one multiproof.
    function _requireProvenLeaves(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private view {
        if (leaves.length != indices.length) revert CertificateLedgerLengthMismatch();
        if (leaves.length == 0) revert CertificateLedgerNoLeaves();
        uint256 packed = _liveBatch(root);
        bytes32[] memory nodes = _nodes(root, leaves, indices, packed >> _SIZE_SHIFT);
        _requireStatusAuthority(uint32(packed >> _AGENCY_SHIFT));
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, root, nodes)) {
            revert CertificateLedgerInvalidProof(root, leaves[0]);
        }
    }

    /// @dev The tree nodes of `leaves` at `indices`, each index checked against the batch size.
    function _nodes(
        bytes32 root,
        bytes32[] calldata leaves,
        uint256[] calldata indices,
        uint256 size
    ) private pure returns (bytes32[] memory nodes) {
        nodes = new bytes32[](leaves.length);
        for (uint256 i = 0; i < nodes.length; ++i) {
            uint256 index = indices[i];
            if (index >= size) revert CertificateLedgerInvalidIndex(root, index);
            nodes[i] = _node(leaves[i], index);
        }
    }

    /// @dev Moves one certificate to `to` if its current status allows it, then emits the matching event.
    function _transition(bytes32 root, bytes32 leaf, uint256 index, LeafStatus to, uint8 reason) private {
        mapping(uint256 => uint256) storage words = _statusWords[root];
        uint256 wordIndex = index >> 5;
        uint256 shift = (index & 31) << 3;
        uint256 word = words[wordIndex];
        LeafStatus from = LeafStatus((word >> shift) & _STATUS_MASK);
        bool allowed =
            to == LeafStatus.Revoked
                ? from != LeafStatus.Revoked
                : (to == LeafStatus.Suspended ? from == LeafStatus.Active : from == LeafStatus.Suspended);
        if (!allowed) revert CertificateLedgerInvalidTransition(leaf, from, to);

        uint256 entry = uint256(to) | (uint256(reason) << 4);
        words[wordIndex] = (word & ~(_ENTRY_MASK << shift)) | (entry << shift);
        if (to == LeafStatus.Revoked) emit CertificateRevoked(leaf, root, msg.sender, index, reason);
        else if (to == LeafStatus.Suspended) emit CertificateSuspended(leaf, root, msg.sender, index, reason);
        else emit CertificateReinstated(leaf, root, msg.sender, index);
    }

    function _liveBatch(bytes32 root) private view returns (uint256 packed) {
        packed = _batches[root].packed;
        if (packed == 0) revert CertificateLedgerUnknownRoot(root);
        if (packed & _BATCH_REVOKED != 0) revert CertificateLedgerBatchRevoked(root);
    }

    /// @dev `registry.requireIssuer(msg.sender, typeId)`, hand-encoded: on every anchor, the compiler's
    /// encoding and decoding cost more than the target leaves room for. Bubbles the registry's error.
    function _requireIssuer(uint8 typeId) private view returns (uint32 agencyId) {
        address target = address(_registry);
        bytes4 selector = IAgencyRegistry.requireIssuer.selector;
        bool ok;
        uint256 returned;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), caller())
            mstore(add(ptr, 0x24), and(typeId, 0xff))
            ok := staticcall(gas(), target, ptr, 0x44, 0x00, 0x20)
            // Yul evaluates arguments right to left: read the size only once the call has returned.
            ok := and(ok, gt(returndatasize(), 0x1f))
            returned := mload(0x00)
        }
        if (!ok) _bubbleRevert();
        return uint32(returned);
    }

    /// @dev `registry.requireStatusAuthority(msg.sender, agencyId)`, hand-encoded as `_requireIssuer`
    /// (the compiler adds an EXTCODESIZE check to calls that return nothing).
    function _requireStatusAuthority(uint32 agencyId) private view {
        address target = address(_registry);
        bytes4 selector = IAgencyRegistry.requireStatusAuthority.selector;
        bool ok;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), caller())
            // Short types may carry dirty high bits in assembly: clean before encoding.
            mstore(add(ptr, 0x24), and(agencyId, 0xffffffff))
            ok := staticcall(gas(), target, ptr, 0x44, 0x00, 0x00)
        }
        if (!ok) _bubbleRevert();
    }

    /// @dev Re-raises a failed registry call's revert data (its custom error) unchanged.
    function _bubbleRevert() private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            returndatacopy(ptr, 0x00, returndatasize())
            revert(ptr, returndatasize())
        }
    }

    function _entry(bytes32 root, uint256 index) private view returns (LeafStatus status, uint8 reason) {
        uint256 entry = (_statusWords[root][index >> 5] >> ((index & 31) << 3)) & _ENTRY_MASK;
        return (LeafStatus(entry & _STATUS_MASK), uint8(entry >> 4));
    }

    function _requireReason(uint8 reason) private pure {
        if ((_VALID_REASONS >> reason) & 1 == 0) revert CertificateLedgerInvalidReason(reason);
    }

    /// @dev The OpenZeppelin StandardMerkleTree leaf for `["bytes32", "uint256"]`.
    function _node(bytes32 leaf, uint256 index) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(leaf, index))));
    }

    function _toBatch(uint256 packed) private pure returns (Batch memory) {
        return
            Batch({
                officer: address(uint160(packed)),
                agencyId: uint32(packed >> _AGENCY_SHIFT),
                anchoredAt: uint32(packed >> _ANCHORED_AT_SHIFT),
                typeId: uint8(packed >> _TYPE_SHIFT) & 0x7f,
                size: uint24(packed >> _SIZE_SHIFT)
            });
    }
}
