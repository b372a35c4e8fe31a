// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";
import {ICertificateLedger} from "./interfaces/ICertificateLedger.sol";

/// @title Certificate ledger: Merkle roots of certificate batches and the status of each certificate
/// @notice Officers anchor one root per batch, keyed by their agency and the root; the issuing agency's
/// officers (while the agency is active) or governance change the status of proven certificates.
/// Revocation is final, except that governance may undo what a key declared compromised did.
/// @dev Checks run in a fixed order, one error each: input, batch known, batch not revoked, index,
/// authority, proof, transition.
contract CertificateLedger is ICertificateLedger {
    /// @dev A one-word struct only so that a storage pointer can hold the slot across the registry call.
    struct PackedBatch {
        uint256 packed;
    }

    struct BatchRevocation {
        uint40 revokedAt;
        uint8 reason;
        address actor;
    }

    /// @dev A batch is one word: officer from bit 0, then anchoredAt, typeId, size (the agency id is
    /// part of the key). `typeId`'s top bit (type ids are < 128) marks a whole-batch revocation, so
    /// per-certificate operations learn of it from the one slot they read anyway.
    uint256 private constant _ANCHORED_AT_SHIFT = 160;
    uint256 private constant _TYPE_SHIFT = 200;
    uint256 private constant _SIZE_SHIFT = 208;
    uint256 private constant _BATCH_REVOKED = uint256(0x80) << _TYPE_SHIFT;
    /// @dev bit `r` set: `r` is an RFC 5280 CRLReason code (0..10, 7 unused)
    uint256 private constant _VALID_REASONS = 0x77f;
    /// @dev 8 bits of status per certificate: bits 0-1 LeafStatus, bit 2 set by governance, high
    /// nibble reason code
    uint256 private constant _ENTRY_MASK = 0xff;
    uint256 private constant _STATUS_MASK = 0x03;
    uint256 private constant _BY_GOVERNANCE = 0x04;

    /// @dev `_transition` gets its actor as one word: the address, and this bit when it is governance.
    uint256 private constant _GOVERNANCE_ACTOR = uint256(1) << 160;

    // solhint-disable gas-small-strings
    /// @inheritdoc ICertificateLedger
    bytes32 public constant ANCHOR_TYPEHASH = keccak256(
        "Anchor(address officer,bytes32 root,uint8 typeId,uint24 size,uint256 nonce,uint256 deadline)"
    );
    /// @inheritdoc ICertificateLedger
    bytes32 public constant STATUS_CHANGE_TYPEHASH = keccak256(
        "StatusChange(address officer,uint32 agencyId,bytes32 root,bytes32 leaf,uint256 index,uint8 status,uint8 reason,uint256 nonce,uint256 deadline)"
    );
    // The EIP-712 domain by hand, as in AgencyRegistry: OpenZeppelin's EIP712 does not compile for london.
    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _NAME_HASH = keccak256("certledger CertificateLedger");
    // solhint-enable gas-small-strings
    bytes32 private constant _VERSION_HASH = keccak256("2");
    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;

    IAgencyRegistry private immutable _registry;

    /// @dev the next nonce each officer's delegated signature must carry
    mapping(address officer => uint256) private _nonces;

    mapping(uint32 agencyId => mapping(bytes32 root => PackedBatch)) private _batches;
    mapping(uint32 agencyId => mapping(bytes32 root => BatchRevocation)) private _batchRevocations;
    /// @dev 32 certificates per word: word `index / 32`, byte `index % 32`
    mapping(uint32 agencyId => mapping(bytes32 root => mapping(uint256 word => uint256 entries)))
        private _statusWords;

    /// @param registry_ the agency registry every anchor and status change is checked against
    constructor(IAgencyRegistry registry_) {
        if (address(registry_).code.length == 0) revert CertificateLedgerInvalidRegistry(address(registry_));
        _registry = registry_;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
    }

    /// @inheritdoc ICertificateLedger
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        // A fork that changes the chain id must not accept signatures made for the other chain.
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    /// @inheritdoc ICertificateLedger
    function nonces(address officer) external view returns (uint256) {
        return _nonces[officer];
    }

    /// @inheritdoc ICertificateLedger
    function registry() external view returns (IAgencyRegistry) {
        return _registry;
    }

    /// @inheritdoc ICertificateLedger
    function anchor(bytes32 root, uint8 typeId, uint24 size) external {
        _anchor(msg.sender, root, typeId, size);
    }

    /// @inheritdoc ICertificateLedger
    function anchorBySig(
        address officer,
        bytes32 root,
        uint8 typeId,
        uint24 size,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(ANCHOR_TYPEHASH, officer, root, typeId, size, _nonces[officer], deadline)
        );
        _useSignature(officer, structHash, deadline, signature);
        _anchor(officer, root, typeId, size);
    }

    /// @inheritdoc ICertificateLedger
    function changeStatusBySig(
        StatusChange calldata change,
        bytes32[] calldata proof,
        bytes calldata signature
    ) external {
        _useSignature(change.officer, _statusChangeHash(change), change.deadline, signature);
        uint8 reason = change.status == LeafStatus.Active ? 0 : change.reason;
        if (change.status != LeafStatus.Active) _requireReason(reason);
        uint256 actor = _requireProvenLeaf(
            change.officer,
            change.agencyId,
            change.root,
            change.leaf,
            change.index,
            proof
        );
        _transition(change.agencyId, change.root, change.leaf, change.index, change.status, reason, actor);
    }

    /// @inheritdoc ICertificateLedger
    function revoke(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        uint8 reason
    ) external {
        _requireReason(reason);
        uint256 actor = _requireProvenLeaf(msg.sender, agencyId, root, leaf, index, proof);
        _transition(agencyId, root, leaf, index, LeafStatus.Revoked, reason, actor);
    }

    /// @inheritdoc ICertificateLedger
    function suspend(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        uint8 reason
    ) external {
        _requireReason(reason);
        uint256 actor = _requireProvenLeaf(msg.sender, agencyId, root, leaf, index, proof);
        _transition(agencyId, root, leaf, index, LeafStatus.Suspended, reason, actor);
    }

    /// @inheritdoc ICertificateLedger
    function reinstate(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) external {
        uint256 actor = _requireProvenLeaf(msg.sender, agencyId, root, leaf, index, proof);
        _transition(agencyId, root, leaf, index, LeafStatus.Active, 0, actor);
    }

    /// @inheritdoc ICertificateLedger
    function revokeMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        uint8 reason
    ) external {
        _requireReason(reason);
        uint256 actor = _requireProvenLeaves(agencyId, root, certificates);
        bytes32[] calldata leaves = certificates.leaves;
        uint256[] calldata indices = certificates.indices;
        for (uint256 i = 0; i < leaves.length; ++i) {
            _transition(agencyId, root, leaves[i], indices[i], LeafStatus.Revoked, reason, actor);
        }
    }

    /// @inheritdoc ICertificateLedger
    function suspendMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        uint8 reason
    ) external {
        _requireReason(reason);
        uint256 actor = _requireProvenLeaves(agencyId, root, certificates);
        bytes32[] calldata leaves = certificates.leaves;
        uint256[] calldata indices = certificates.indices;
        for (uint256 i = 0; i < leaves.length; ++i) {
            _transition(agencyId, root, leaves[i], indices[i], LeafStatus.Suspended, reason, actor);
        }
    }

    /// @inheritdoc ICertificateLedger
    function reinstateMany(uint32 agencyId, bytes32 root, Multiproof calldata certificates) external {
        uint256 actor = _requireProvenLeaves(agencyId, root, certificates);
        bytes32[] calldata leaves = certificates.leaves;
        uint256[] calldata indices = certificates.indices;
        for (uint256 i = 0; i < leaves.length; ++i) {
            _transition(agencyId, root, leaves[i], indices[i], LeafStatus.Active, 0, actor);
        }
    }

    /// @inheritdoc ICertificateLedger
    function revokeBatch(uint32 agencyId, bytes32 root, uint8 reason) external {
        _requireReason(reason);
        uint256 packed = _liveBatch(agencyId, root);
        _requireStatusAuthority(msg.sender, agencyId);

        _batches[agencyId][root].packed = packed | _BATCH_REVOKED;
        _batchRevocations[agencyId][root] = BatchRevocation({
            revokedAt: _now(),
            reason: reason,
            actor: msg.sender
        });
        emit BatchRevoked(root, agencyId, msg.sender, reason);
    }

    /// @inheritdoc ICertificateLedger
    function restoreBatch(uint32 agencyId, bytes32 root) external {
        uint256 packed = _batches[agencyId][root].packed;
        if (packed == 0) revert CertificateLedgerUnknownRoot(root);
        _registry.requireGovernance(msg.sender);
        BatchRevocation memory revocation = _batchRevocations[agencyId][root];
        if (packed & _BATCH_REVOKED == 0) revert CertificateLedgerNotRestorable(root, address(0));
        IAgencyRegistry.Officer memory revoker = _registry.officer(revocation.actor);
        // Only a revocation the compromised key made at or after its compromise time is undone.
        if (
            revoker.agencyId != agencyId ||
            revoker.compromisedSince == 0 ||
            revocation.revokedAt < revoker.compromisedSince
        ) revert CertificateLedgerNotRestorable(root, revocation.actor);

        _batches[agencyId][root].packed = packed & ~_BATCH_REVOKED;
        delete _batchRevocations[agencyId][root];
        emit BatchRestored(root, agencyId, msg.sender, revocation.actor);
    }

    /// @inheritdoc ICertificateLedger
    function restoreCertificate(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof,
        address compromisedOfficer
    ) external {
        uint256 packed = _liveBatch(agencyId, root);
        if (index >= packed >> _SIZE_SHIFT) revert CertificateLedgerInvalidIndex(root, index);
        _registry.requireGovernance(msg.sender);
        if (!MerkleProof.verifyCalldata(proof, root, _node(leaf, index))) {
            revert CertificateLedgerInvalidProof(root, leaf);
        }
        _restoreEntry(agencyId, root, index, compromisedOfficer);
        emit CertificateRestored(leaf, root, msg.sender, agencyId, index, compromisedOfficer);
    }

    /// @inheritdoc ICertificateLedger
    function batch(uint32 agencyId, bytes32 root) external view returns (Batch memory) {
        return _toBatch(agencyId, _batches[agencyId][root].packed);
    }

    /// @inheritdoc ICertificateLedger
    function batchRevocation(
        uint32 agencyId,
        bytes32 root
    ) external view returns (uint40 revokedAt, uint8 reason, address actor) {
        BatchRevocation storage revocation = _batchRevocations[agencyId][root];
        return (revocation.revokedAt, revocation.reason, revocation.actor);
    }

    /// @inheritdoc ICertificateLedger
    function leafStatus(
        uint32 agencyId,
        bytes32 root,
        uint256 index
    ) external view returns (LeafStatus status, uint8 reason) {
        Batch memory record = _toBatch(agencyId, _batches[agencyId][root].packed);
        if (record.officer == address(0)) revert CertificateLedgerUnknownRoot(root);
        if (index >= record.size) revert CertificateLedgerInvalidIndex(root, index);
        (status, reason, ) = _entry(agencyId, root, index);
    }

    /// @inheritdoc ICertificateLedger
    function verifyLeaf(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (LeafVerification memory result) {
        result.chainId = block.chainid;
        Batch memory record = _toBatch(agencyId, _batches[agencyId][root].packed);
        if (record.officer == address(0)) return result;

        result.anchored = true;
        result.batch = record;
        result.proofValid =
            index < record.size &&
            MerkleProof.verifyCalldata(proof, root, _node(leaf, index));
        if (result.proofValid) {
            (result.status, result.reason, result.statusByGovernance) = _entry(agencyId, root, index);
        }
        BatchRevocation memory revocation = _batchRevocations[agencyId][root];
        result.batchRevokedAt = revocation.revokedAt;
        result.batchRevocationReason = revocation.reason;
        result.batchRevokedBy = revocation.actor;

        (IAgencyRegistry.Agency memory issuer, bytes32 metadataHash) = _registry.agency(record.agencyId);
        result.agencyStatus = issuer.status;
        result.jurisdiction = issuer.jurisdiction;
        result.agencyMetadataHash = metadataHash;
        uint40 compromisedSince = _registry.officer(record.officer).compromisedSince;
        result.officerCompromisedSince = compromisedSince;
        result.issuerAuthorized = compromisedSince == 0 || record.anchoredAt < compromisedSince;
    }

    /// @dev The clock: the block time, in the width the records store.
    function _now() internal view virtual returns (uint40) {
        return uint40(block.timestamp);
    }

    /// @dev Known, not batch-revoked, index in range, `account` authorised, leaf proven: in that order.
    function _requireProvenLeaf(
        address account,
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) private view returns (uint256 actor) {
        uint256 packed = _liveBatch(agencyId, root);
        if (index >= packed >> _SIZE_SHIFT) revert CertificateLedgerInvalidIndex(root, index);
        actor = _requireStatusAuthority(account, agencyId);
        if (!MerkleProof.verifyCalldata(proof, root, _node(leaf, index))) {
            revert CertificateLedgerInvalidProof(root, leaf);
        }
    }

    /// @dev As `_requireProvenLeaf`, for many leaves proven by one multiproof.
    function _requireProvenLeaves(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates
    ) private view returns (uint256 actor) {
        bytes32[] calldata leaves = certificates.leaves;
        if (leaves.length != certificates.indices.length) revert CertificateLedgerLengthMismatch();
        if (leaves.length == 0) revert CertificateLedgerNoLeaves();
        uint256 packed = _liveBatch(agencyId, root);
        bytes32[] memory nodes = _nodes(root, leaves, certificates.indices, packed >> _SIZE_SHIFT);
        actor = _requireStatusAuthority(msg.sender, agencyId);
        if (!MerkleProof.multiProofVerifyCalldata(certificates.proof, certificates.proofFlags, root, nodes)) {
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
    function _transition(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        LeafStatus to,
        uint8 reason,
        uint256 actor
    ) private {
        mapping(uint256 => uint256) storage words = _statusWords[agencyId][root];
        uint256 shift = (index & 31) << 3;
        uint256 word = words[index >> 5];
        bool governance = actor & _GOVERNANCE_ACTOR != 0;
        _requireTransition(leaf, word >> shift, to, governance);
        uint256 entry = uint256(to) | (governance ? _BY_GOVERNANCE : 0) | (uint256(reason) << 4);
        words[index >> 5] = (word & ~(_ENTRY_MASK << shift)) | (entry << shift);
        _emitTransition(agencyId, root, leaf, index, to, reason, address(uint160(actor)));
    }

    /// @dev Revoked is final; suspend from Active only; reinstate from Suspended only, and a hold
    /// governance placed only by governance.
    function _requireTransition(bytes32 leaf, uint256 current, LeafStatus to, bool governance) private pure {
        LeafStatus from = LeafStatus(current & _STATUS_MASK);
        bool allowed =
            to == LeafStatus.Revoked
                ? from != LeafStatus.Revoked
                : (to == LeafStatus.Suspended ? from == LeafStatus.Active : from == LeafStatus.Suspended);
        if (!allowed) revert CertificateLedgerInvalidTransition(leaf, from, to);
        if (to == LeafStatus.Active && !governance && current & _BY_GOVERNANCE != 0) {
            revert CertificateLedgerHeldByGovernance(leaf);
        }
    }

    function _emitTransition(
        uint32 agencyId,
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        LeafStatus to,
        uint8 reason,
        address actor
    ) private {
        if (to == LeafStatus.Revoked) emit CertificateRevoked(leaf, root, actor, agencyId, index, reason);
        else if (to == LeafStatus.Suspended) {
            emit CertificateSuspended(leaf, root, actor, agencyId, index, reason);
        } else emit CertificateReinstated(leaf, root, actor, agencyId, index);
    }

    /// @dev Anchors batch (`officer`'s agency, `root`) for `officer`, the caller or a delegated signer.
    function _anchor(address officer, bytes32 root, uint8 typeId, uint24 size) private {
        if (root == bytes32(0)) revert CertificateLedgerZeroRoot();
        if (size == 0) revert CertificateLedgerInvalidSize(size);
        uint32 agencyId = _requireIssuer(officer, typeId);
        PackedBatch storage record = _batches[agencyId][root];
        if (record.packed != 0) revert CertificateLedgerRootExists(root);

        record.packed =
            uint256(uint160(officer)) |
            (uint256(_now()) << _ANCHORED_AT_SHIFT) |
            (uint256(typeId) << _TYPE_SHIFT) |
            (uint256(size) << _SIZE_SHIFT);
        emit BatchAnchored(root, agencyId, officer, typeId, size);
    }

    /// @dev Checks `officer`'s EIP-712 signature of `structHash` (which carries its current nonce) and
    /// the deadline, then consumes the nonce: a signature is good for one call, in order.
    function _useSignature(
        address officer,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (deadline < block.timestamp) revert CertificateLedgerSignatureExpired(officer, deadline);
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecover(digest, signature);
        if (failure != ECDSA.RecoverError.NoError || signer != officer || officer == address(0)) {
            revert CertificateLedgerInvalidSignature(officer);
        }
        unchecked {
            ++_nonces[officer];
        }
    }

    function _statusChangeHash(StatusChange calldata change) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    STATUS_CHANGE_TYPEHASH,
                    change.officer,
                    change.agencyId,
                    change.root,
                    change.leaf,
                    change.index,
                    change.status,
                    change.reason,
                    _nonces[change.officer],
                    change.deadline
                )
            );
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return
            keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev Clears the status of certificate `index` if an officer of the agency set it and
    /// `compromisedOfficer`, of the same agency, is declared compromised.
    function _restoreEntry(uint32 agencyId, bytes32 root, uint256 index, address compromisedOfficer) private {
        IAgencyRegistry.Officer memory officer = _registry.officer(compromisedOfficer);
        mapping(uint256 => uint256) storage words = _statusWords[agencyId][root];
        uint256 shift = (index & 31) << 3;
        uint256 word = words[index >> 5];
        uint256 entry = (word >> shift) & _ENTRY_MASK;
        if (
            officer.agencyId != agencyId ||
            officer.compromisedSince == 0 ||
            entry & _STATUS_MASK == uint256(LeafStatus.Active) ||
            entry & _BY_GOVERNANCE != 0
        ) revert CertificateLedgerNotRestorable(root, compromisedOfficer);
        words[index >> 5] = word & ~(_ENTRY_MASK << shift);
    }

    function _liveBatch(uint32 agencyId, bytes32 root) private view returns (uint256 packed) {
        packed = _batches[agencyId][root].packed;
        if (packed == 0) revert CertificateLedgerUnknownRoot(root);
        if (packed & _BATCH_REVOKED != 0) revert CertificateLedgerBatchRevoked(root);
    }

    /// @dev `registry.requireIssuer(account, typeId)`, hand-encoded: on every anchor, the compiler's
    /// encoding and decoding cost more than the target leaves room for. Bubbles the registry's error.
    function _requireIssuer(address account, uint8 typeId) private view returns (uint32 agencyId) {
        address target = address(_registry);
        bytes4 selector = IAgencyRegistry.requireIssuer.selector;
        bool ok;
        uint256 returned;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x24), and(typeId, 0xff))
            ok := staticcall(gas(), target, ptr, 0x44, 0x00, 0x20)
            // Yul evaluates arguments right to left: read the size only once the call has returned.
            ok := and(ok, gt(returndatasize(), 0x1f))
            returned := mload(0x00)
        }
        if (!ok) _bubbleRevert();
        return uint32(returned);
    }

    /// @dev `registry.requireStatusAuthority(account, agencyId)`, hand-encoded as `_requireIssuer`;
    /// returns `account` with the `_GOVERNANCE_ACTOR` bit when it is governance.
    function _requireStatusAuthority(address account, uint32 agencyId) private view returns (uint256 actor) {
        address target = address(_registry);
        bytes4 selector = IAgencyRegistry.requireStatusAuthority.selector;
        bool ok;
        uint256 returned;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            // Short types may carry dirty high bits in assembly: clean before encoding.
            mstore(add(ptr, 0x04), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x24), and(agencyId, 0xffffffff))
            ok := staticcall(gas(), target, ptr, 0x44, 0x00, 0x20)
            ok := and(ok, gt(returndatasize(), 0x1f))
            returned := mload(0x00)
        }
        if (!ok) _bubbleRevert();
        return uint256(uint160(account)) | (returned != 0 ? _GOVERNANCE_ACTOR : 0);
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

    function _entry(
        uint32 agencyId,
        bytes32 root,
        uint256 index
    ) private view returns (LeafStatus status, uint8 reason, bool byGovernance) {
        uint256 entry = (_statusWords[agencyId][root][index >> 5] >> ((index & 31) << 3)) & _ENTRY_MASK;
        return (LeafStatus(entry & _STATUS_MASK), uint8(entry >> 4), entry & _BY_GOVERNANCE != 0);
    }

    function _requireReason(uint8 reason) private pure {
        if ((_VALID_REASONS >> reason) & 1 == 0) revert CertificateLedgerInvalidReason(reason);
    }

    /// @dev The OpenZeppelin StandardMerkleTree leaf for `["bytes32", "uint256"]`.
    function _node(bytes32 leaf, uint256 index) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(leaf, index))));
    }

    function _toBatch(uint32 agencyId, uint256 packed) private pure returns (Batch memory) {
        if (packed == 0) agencyId = 0;
        return
            Batch({
                officer: address(uint160(packed)),
                agencyId: agencyId,
                anchoredAt: uint40(packed >> _ANCHORED_AT_SHIFT),
                typeId: uint8(packed >> _TYPE_SHIFT) & 0x7f,
                size: uint24(packed >> _SIZE_SHIFT)
            });
    }
}
