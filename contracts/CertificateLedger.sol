// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {AgencyRegistry} from "./AgencyRegistry.sol";
import {ICertificateLedger} from "./interfaces/ICertificateLedger.sol";

/// @title Certificate ledger: Merkle roots of certificate batches and the status of each certificate
/// @notice Officers anchor one root per batch, keyed by their agency and the root; the issuing agency's
/// officers (while the agency is active) or governance change the status of proven certificates.
/// Revocation is final, except that governance may undo what a key declared compromised did.
/// @dev Registry and ledger are one contract (AgencyRegistry is its base): an anchor or a status change
/// reads the officer's one authorisation word instead of calling another contract, which would cost a
/// cold account access and two cold reads. Checks run in a fixed order, one error each: input, batch
/// known, batch not revoked, index, authority, proof, transition.
contract CertificateLedger is AgencyRegistry, ICertificateLedger {
    /// @dev A batch's record and its certificates' status words side by side: the words' mapping hangs
    /// off the record's slot, so a status change that has read the record reaches its word with one hash
    /// instead of three (`_statusWords[agencyId][root][word]`).
    struct BatchRecord {
        uint256 packed;
        /// @dev 32 certificates per word, 7 bits each: word `index / 32`, bits `(index % 32) * 7` up;
        /// the top 32 bits count the delegated changes applied to the word (`statusVersion`)
        mapping(uint256 word => uint256 entries) statusWords;
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
    /// @dev 7 bits of status per certificate: bits 0-1 LeafStatus, bit 2 set by governance, bits 3-6
    /// reason code
    uint256 private constant _ENTRY_BITS = 7;
    uint256 private constant _ENTRY_MASK = 0x7f;
    uint256 private constant _STATUS_MASK = 0x03;
    uint256 private constant _BY_GOVERNANCE = 0x04;
    uint256 private constant _REASON_SHIFT = 3;
    /// @dev A status word's version: the number of delegated changes applied to it, above its 32 entries.
    uint256 private constant _VERSION_SHIFT = 224;
    /// @dev bit `to * 4 + from` set: a certificate may move from `from` to `to`. Revoked is final;
    /// suspend from Active only (bit 4); reinstate from Suspended only (bit 1); revoke from Active or
    /// Suspended (bits 8, 9).
    uint256 private constant _ALLOWED_TRANSITIONS = 0x312;

    /// @dev A status change's `target` word: reason code in bits 0-7, index in bits 8-39, agency id in
    /// bits 40-71, nothing above.
    uint256 private constant _TARGET_INDEX_SHIFT = 8;
    uint256 private constant _TARGET_AGENCY_SHIFT = 40;
    uint256 private constant _TARGET_BITS = 72;
    /// @dev `_transitionIn`'s version for a direct call: no delegated version to check or move on.
    uint256 private constant _DIRECT = type(uint256).max;

    /// @dev `_transitionIn` gets its actor as one word: the address, and this bit when it is governance.
    uint256 private constant _GOVERNANCE_ACTOR = uint256(1) << 160;

    // solhint-disable gas-small-strings
    /// @inheritdoc ICertificateLedger
    bytes32 public constant ANCHOR_TYPEHASH = keccak256(
        "Anchor(address officer,bytes32 root,uint8 typeId,uint24 size,uint256 deadline)"
    );
    /// @inheritdoc ICertificateLedger
    bytes32 public constant STATUS_CHANGE_TYPEHASH = keccak256(
        "StatusChange(address officer,uint32 agencyId,bytes32 root,bytes32 leaf,uint256 index,uint8 status,uint8 reason,uint32 version,uint256 deadline)"
    );
    // solhint-enable gas-small-strings

    mapping(uint32 agencyId => mapping(bytes32 root => BatchRecord)) private _batches;
    mapping(uint32 agencyId => mapping(bytes32 root => BatchRevocation)) private _batchRevocations;

    /// @param governance the holder of GOVERNANCE_ROLE (the default admin), which also administers
    /// every agency's admin role
    /// @param governanceTransferDelay seconds between starting and accepting a move of governance
    /// @param compromiseWindow_ seconds an agency admin may backdate a key's compromise (> 0)
    constructor(
        address governance,
        uint48 governanceTransferDelay,
        uint40 compromiseWindow_
    ) AgencyRegistry(governance, governanceTransferDelay, compromiseWindow_) {}

    /// @inheritdoc ICertificateLedger
    function statusVersion(uint32 agencyId, bytes32 root, uint256 index) external view returns (uint32) {
        return uint32(_batches[agencyId][root].statusWords[index >> 5] >> _VERSION_SHIFT);
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
        // No nonce: a batch is never deleted, so the (agency, root) record already refuses a replay.
        bytes32 structHash = keccak256(abi.encode(ANCHOR_TYPEHASH, officer, root, typeId, size, deadline));
        _requireSignature(officer, structHash, deadline, signature);
        _anchor(officer, root, typeId, size);
    }

    /// @inheritdoc ICertificateLedger
    function changeStatusBySig(
        StatusChange calldata change,
        bytes32[] calldata proof,
        bytes32 r,
        bytes32 vs
    ) external {
        _requireStatusChangeSignature(change, r, vs);
        LeafStatus to = change.status;
        _changeStatus(
            change.officer,
            change.root,
            change.leaf,
            _signedTarget(change),
            proof,
            to,
            change.version
        );
    }

    /// @inheritdoc ICertificateLedger
    function revoke(bytes32 root, bytes32 leaf, uint256 target, bytes32[] calldata proof) external {
        _requireTarget(target, LeafStatus.Revoked);
        _changeStatus(msg.sender, root, leaf, target, proof, LeafStatus.Revoked, _DIRECT);
    }

    /// @inheritdoc ICertificateLedger
    function suspend(bytes32 root, bytes32 leaf, uint256 target, bytes32[] calldata proof) external {
        _requireTarget(target, LeafStatus.Suspended);
        _changeStatus(msg.sender, root, leaf, target, proof, LeafStatus.Suspended, _DIRECT);
    }

    /// @inheritdoc ICertificateLedger
    function reinstate(bytes32 root, bytes32 leaf, uint256 target, bytes32[] calldata proof) external {
        _requireTarget(target, LeafStatus.Active);
        _changeStatus(msg.sender, root, leaf, target, proof, LeafStatus.Active, _DIRECT);
    }

    /// @inheritdoc ICertificateLedger
    function revokeMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        uint8 reason
    ) external {
        _requireReason(reason);
        _transitionMany(agencyId, root, certificates, LeafStatus.Revoked, reason);
    }

    /// @inheritdoc ICertificateLedger
    function suspendMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        uint8 reason
    ) external {
        _requireReason(reason);
        _transitionMany(agencyId, root, certificates, LeafStatus.Suspended, reason);
    }

    /// @inheritdoc ICertificateLedger
    function reinstateMany(uint32 agencyId, bytes32 root, Multiproof calldata certificates) external {
        _transitionMany(agencyId, root, certificates, LeafStatus.Active, 0);
    }

    /// @inheritdoc ICertificateLedger
    function revokeBatch(uint32 agencyId, bytes32 root, uint8 reason) external {
        _requireReason(reason);
        (BatchRecord storage record, uint256 packed) = _liveBatch(agencyId, root);
        _requireStatusAuthority(msg.sender, agencyId);

        record.packed = packed | _BATCH_REVOKED;
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
        _checkRole(GOVERNANCE_ROLE);
        BatchRevocation memory revocation = _batchRevocations[agencyId][root];
        if (packed & _BATCH_REVOKED == 0) revert CertificateLedgerNotRestorable(root, address(0));
        (uint40 compromisedSince, uint32 revokerAgency) = _compromise(revocation.actor);
        // Only a revocation the compromised key made at or after its compromise time is undone.
        if (revokerAgency != agencyId || compromisedSince == 0 || revocation.revokedAt < compromisedSince)
            revert CertificateLedgerNotRestorable(root, revocation.actor);

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
        (BatchRecord storage record, uint256 packed) = _liveBatch(agencyId, root);
        if (index >= packed >> _SIZE_SHIFT) revert CertificateLedgerInvalidIndex(root, index);
        _checkRole(GOVERNANCE_ROLE);
        if (!_proves(proof, root, _node(leaf, index))) revert CertificateLedgerInvalidProof(root, leaf);
        _restoreEntry(record.statusWords, agencyId, root, index, compromisedOfficer);
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
        result.proofValid = index < record.size && _proves(proof, root, _node(leaf, index));
        if (result.proofValid) {
            (result.status, result.reason, result.statusByGovernance) = _entry(agencyId, root, index);
        }
        BatchRevocation memory revocation = _batchRevocations[agencyId][root];
        result.batchRevokedAt = revocation.revokedAt;
        result.batchRevocationReason = revocation.reason;
        result.batchRevokedBy = revocation.actor;

        (Agency memory issuer, bytes32 metadataHash) = _agency(record.agencyId);
        result.agencyStatus = issuer.status;
        result.jurisdiction = issuer.jurisdiction;
        result.agencyMetadataHash = metadataHash;
        (uint40 compromisedSince, ) = _compromise(record.officer);
        result.officerCompromisedSince = compromisedSince;
        result.issuerAuthorized = compromisedSince == 0 || record.anchoredAt < compromisedSince;
    }

    /// @dev Reverts unless `target` is canonical (nothing above the agency id) and names a reason code
    /// fit for `to` (0 to reinstate).
    function _requireTarget(uint256 target, LeafStatus to) private pure {
        if (target >> _TARGET_BITS != 0) revert CertificateLedgerInvalidTarget(target);
        uint8 reason = uint8(target);
        if (to == LeafStatus.Active) {
            if (reason != 0) revert CertificateLedgerInvalidReason(reason);
        } else _requireReason(reason);
    }

    /// @dev The `target` of a signed status change (its reason ignored when it reinstates).
    function _signedTarget(StatusChange calldata change) private pure returns (uint256) {
        LeafStatus to = change.status;
        uint8 reason = to == LeafStatus.Active ? 0 : change.reason;
        if (to != LeafStatus.Active) _requireReason(reason);
        uint256 index = change.index;
        // An index wider than its field would spill into the agency id; no batch is that large.
        if (index > type(uint32).max) revert CertificateLedgerInvalidIndex(change.root, index);
        return _target(change.agencyId, index, reason);
    }

    /// @dev Moves the certificate `target` names to `to` for `account` (the caller, or the officer whose
    /// signature a relayer sent: `version` is then the status word's version it names, else `_DIRECT`).
    /// Batch known, not batch-revoked, index in range, `account` authorised, leaf proven: in that order.
    /// One body for the direct and the delegated calls, written out without helper calls: each call
    /// frame costs some 40 gas on the paths whose budgets are tightest.
    function _changeStatus(
        address account,
        bytes32 root,
        bytes32 leaf,
        uint256 target,
        bytes32[] calldata proof,
        LeafStatus to,
        uint256 version
    ) private {
        uint32 agencyId = uint32(target >> _TARGET_AGENCY_SHIFT);
        uint256 index = uint32(target >> _TARGET_INDEX_SHIFT);
        BatchRecord storage record = _batches[agencyId][root];
        uint256 packed = record.packed;
        if (packed == 0) revert CertificateLedgerUnknownRoot(root);
        if (packed & _BATCH_REVOKED != 0) revert CertificateLedgerBatchRevoked(root);
        if (index >= packed >> _SIZE_SHIFT) revert CertificateLedgerInvalidIndex(root, index);
        uint256 actor = uint160(account);
        if (_requireStatusAuthority(account, agencyId)) actor |= _GOVERNANCE_ACTOR;
        if (!_proves(proof, root, _node(leaf, index))) revert CertificateLedgerInvalidProof(root, leaf);
        _transitionIn(record.statusWords, root, leaf, target, to, actor, version);
    }

    /// @dev As `_changeStatus` checks one certificate, for many proven by one multiproof.
    function _requireProvenLeaves(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates
    ) private view returns (mapping(uint256 => uint256) storage words, uint256 actor) {
        bytes32[] calldata leaves = certificates.leaves;
        if (leaves.length != certificates.indices.length) revert CertificateLedgerLengthMismatch();
        if (leaves.length == 0) revert CertificateLedgerNoLeaves();
        (BatchRecord storage record, uint256 packed) = _liveBatch(agencyId, root);
        bytes32[] memory nodes = _nodes(root, leaves, certificates.indices, packed >> _SIZE_SHIFT);
        actor = _actor(msg.sender, agencyId);
        if (!MerkleProof.multiProofVerifyCalldata(certificates.proof, certificates.proofFlags, root, nodes)) {
            revert CertificateLedgerInvalidProof(root, leaves[0]);
        }
        words = record.statusWords;
    }

    /// @dev Proves `certificates` in batch (`agencyId`, `root`) and moves each to `to`. One body for the
    /// three bulk functions: registry and ledger share the 24 KB code size limit.
    function _transitionMany(
        uint32 agencyId,
        bytes32 root,
        Multiproof calldata certificates,
        LeafStatus to,
        uint8 reason
    ) private {
        (mapping(uint256 => uint256) storage words, uint256 actor) = _requireProvenLeaves(
            agencyId,
            root,
            certificates
        );
        bytes32[] calldata leaves = certificates.leaves;
        uint256[] calldata indices = certificates.indices;
        // Indices are below the batch size (checked with the proof): each fits its field of `target`.
        uint256 agencyAndReason = _target(agencyId, 0, reason);
        for (uint256 i = 0; i < leaves.length; ++i) {
            uint256 target = agencyAndReason | (indices[i] << _TARGET_INDEX_SHIFT);
            _transitionIn(words, root, leaves[i], target, to, actor, _DIRECT);
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

    /// @dev Moves the certificate `target` names, in the batch whose status words are `words`, to `to`
    /// if its current status allows it, then emits the matching event. `version`: `_DIRECT` for a
    /// direct call, else the status word's version a delegated change was signed for.
    function _transitionIn(
        mapping(uint256 => uint256) storage words,
        bytes32 root,
        bytes32 leaf,
        uint256 target,
        LeafStatus to,
        uint256 actor,
        uint256 version
    ) private {
        uint256 index = uint32(target >> _TARGET_INDEX_SHIFT);
        uint256 shift = _entryShift(index);
        // The slot of `words[index >> 5]`, hashed once for the read and the write (the compiler hashes
        // it for each, the calls between keep it from reusing the first): saves the bulk functions a
        // hash a certificate.
        uint256 slot;
        uint256 word;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, shr(5, index))
            mstore(0x20, words.slot)
            slot := keccak256(0x00, 0x40)
            word := sload(slot)
        }
        if (version != _DIRECT) word = _advanceVersion(leaf, word, version);
        // The actor's governance bit (bit 160) moved to the entry's set-by-governance bit (bit 2), branch-free.
        uint256 byGovernance = (actor >> 158) & _BY_GOVERNANCE;
        _requireTransition(leaf, word >> shift, to, byGovernance != 0);
        uint256 entry = uint256(to) | byGovernance | ((target & 0xff) << _REASON_SHIFT);
        word = (word & ~(_ENTRY_MASK << shift)) | (entry << shift);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, word)
        }
        _emitTransition(root, leaf, target, to, address(uint160(actor)));
    }

    /// @dev `word` with its version moved on, if it is at `version`. Replay protection without a write of
    /// its own: a delegated change names the version of the status word it changes and moves it on in
    /// the write of the status itself (a nonce of its own cost a 2,900-gas write), so its signature is
    /// good for one call, even after governance restores the certificate (restoration leaves the
    /// version alone). The checked addition refuses the 2^32nd delegated change of a word, not wrap.
    function _advanceVersion(bytes32 leaf, uint256 word, uint256 version) private pure returns (uint256) {
        uint256 current = word >> _VERSION_SHIFT;
        if (current != version) {
            revert CertificateLedgerStatusVersionMismatch(leaf, uint32(version), uint32(current));
        }
        return word + (1 << _VERSION_SHIFT);
    }

    /// @dev Revoked is final; suspend from Active only; reinstate from Suspended only, and a hold
    /// governance placed only by governance.
    function _requireTransition(bytes32 leaf, uint256 current, LeafStatus to, bool governance) private pure {
        uint256 from = current & _STATUS_MASK;
        // One table lookup instead of branches (run once a certificate in the bulk functions).
        if ((_ALLOWED_TRANSITIONS >> ((uint256(to) << 2) | from)) & 1 == 0) {
            revert CertificateLedgerInvalidTransition(leaf, LeafStatus(from), to);
        }
        if (to == LeafStatus.Active && !governance && current & _BY_GOVERNANCE != 0) {
            revert CertificateLedgerHeldByGovernance(leaf);
        }
    }

    /// @dev One data word (`target`, as the single calls take it) where three took 512 gas more.
    function _emitTransition(
        bytes32 root,
        bytes32 leaf,
        uint256 target,
        LeafStatus to,
        address actor
    ) private {
        if (to == LeafStatus.Revoked) emit CertificateRevoked(leaf, root, actor, target);
        else if (to == LeafStatus.Suspended) emit CertificateSuspended(leaf, root, actor, target);
        else emit CertificateReinstated(leaf, root, actor, target);
    }

    /// @dev Anchors batch (`officer`'s agency, `root`) for `officer`, the caller or a delegated signer.
    function _anchor(address officer, bytes32 root, uint8 typeId, uint24 size) private {
        if (root == bytes32(0)) revert CertificateLedgerZeroRoot();
        if (size == 0) revert CertificateLedgerInvalidSize(size);
        uint32 agencyId = _requireIssuer(officer, typeId);
        BatchRecord storage record = _batches[agencyId][root];
        if (record.packed != 0) revert CertificateLedgerRootExists(root);

        record.packed =
            uint256(uint160(officer)) |
            (uint256(_now()) << _ANCHORED_AT_SHIFT) |
            (uint256(typeId) << _TYPE_SHIFT) |
            (uint256(size) << _SIZE_SHIFT);
        emit BatchAnchored(root, agencyId, officer, typeId, size);
    }

    /// @dev Checks the deadline and that `officer` signed `structHash` (EIP-712, this contract's domain).
    function _requireSignature(
        address officer,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) private view {
        if (deadline < block.timestamp) revert CertificateLedgerSignatureExpired(officer, deadline);
        (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecoverCalldata(
            _typedDataHash(structHash),
            signature
        );
        _requireSigner(officer, signer, failure);
    }

    /// @dev `_requireSignature` for a status change, whose signature comes in the EIP-2098 compact form:
    /// two static words where `bytes` took four (offset, length, 65 bytes padded), about 500 gas less
    /// calldata and decoding on the path the gas budget is tightest.
    function _requireStatusChangeSignature(StatusChange calldata change, bytes32 r, bytes32 vs) private view {
        address officer = change.officer;
        if (change.deadline < block.timestamp)
            revert CertificateLedgerSignatureExpired(officer, change.deadline);
        (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecover(
            _typedDataHash(_statusChangeHash(change)),
            r,
            vs
        );
        _requireSigner(officer, signer, failure);
    }

    /// @dev Reverts unless recovery succeeded and found `officer`.
    function _requireSigner(address officer, address signer, ECDSA.RecoverError failure) private pure {
        if (failure != ECDSA.RecoverError.NoError || signer != officer || officer == address(0)) {
            revert CertificateLedgerInvalidSignature(officer);
        }
    }

    /// @dev The EIP-712 hash of `change`, hashed where the ABI laid it out: a StatusChange is nine static
    /// words in calldata, exactly its `abi.encode`, so they are copied after the type hash in one go
    /// where abi.encode would load, check and store each field (with the digest hashed in place and the
    /// signature read from calldata, measured together: about 1,100 gas off a delegated change). A
    /// field with dirty high bits changes the hash, so it cannot pass the signature check.
    function _statusChangeHash(StatusChange calldata change) private pure returns (bytes32 structHash) {
        bytes32 typeHash = STATUS_CHANGE_TYPEHASH;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), change, 0x120)
            structHash := keccak256(ptr, 0x140)
        }
    }

    /// @dev Clears the status of certificate `index` if an officer of the agency set it and
    /// `compromisedOfficer`, of the same agency, is declared compromised.
    function _restoreEntry(
        mapping(uint256 => uint256) storage words,
        uint32 agencyId,
        bytes32 root,
        uint256 index,
        address compromisedOfficer
    ) private {
        (uint40 compromisedSince, uint32 officerAgency) = _compromise(compromisedOfficer);
        uint256 shift = _entryShift(index);
        uint256 word = words[index >> 5];
        uint256 entry = (word >> shift) & _ENTRY_MASK;
        if (
            officerAgency != agencyId ||
            compromisedSince == 0 ||
            entry & _STATUS_MASK == uint256(LeafStatus.Active) ||
            entry & _BY_GOVERNANCE != 0
        ) revert CertificateLedgerNotRestorable(root, compromisedOfficer);
        words[index >> 5] = word & ~(_ENTRY_MASK << shift);
    }

    function _liveBatch(
        uint32 agencyId,
        bytes32 root
    ) private view returns (BatchRecord storage record, uint256 packed) {
        record = _batches[agencyId][root];
        packed = record.packed;
        if (packed == 0) revert CertificateLedgerUnknownRoot(root);
        if (packed & _BATCH_REVOKED != 0) revert CertificateLedgerBatchRevoked(root);
    }

    /// @dev `_requireStatusAuthority` as one word: `account`, with the `_GOVERNANCE_ACTOR` bit when it is
    /// governance.
    function _actor(address account, uint32 agencyId) private view returns (uint256) {
        bool governance = _requireStatusAuthority(account, agencyId);
        return uint256(uint160(account)) | (governance ? _GOVERNANCE_ACTOR : 0);
    }

    function _entry(
        uint32 agencyId,
        bytes32 root,
        uint256 index
    ) private view returns (LeafStatus status, uint8 reason, bool byGovernance) {
        uint256 word = _batches[agencyId][root].statusWords[index >> 5];
        uint256 entry = (word >> _entryShift(index)) & _ENTRY_MASK;
        return (LeafStatus(entry & _STATUS_MASK), uint8(entry >> _REASON_SHIFT), entry & _BY_GOVERNANCE != 0);
    }

    /// @dev The `target` word of certificate `index` of an `agencyId` batch and `reason`; the callers have
    /// checked that `index` fits its 32 bits.
    function _target(uint32 agencyId, uint256 index, uint8 reason) private pure returns (uint256) {
        return (uint256(agencyId) << _TARGET_AGENCY_SHIFT) | (index << _TARGET_INDEX_SHIFT) | reason;
    }

    /// @dev Where certificate `index`'s entry starts in its status word.
    function _entryShift(uint256 index) private pure returns (uint256) {
        // Unchecked: (index % 32) * 7 < 224 cannot overflow, and the check cost the bulk functions about
        // a hundred gas a certificate.
        unchecked {
            return (index & 31) * _ENTRY_BITS;
        }
    }

    function _requireReason(uint8 reason) private pure {
        if ((_VALID_REASONS >> reason) & 1 == 0) revert CertificateLedgerInvalidReason(reason);
    }

    /// @dev OpenZeppelin's `MerkleProof.verifyCalldata` (sorted pairs), by hand: its loop costs about
    /// 240 gas a level (bounds check, checked counter, a call per pair), this one about 135, which saves
    /// a single-certificate change at depth 10 some 1,050 gas. The ABI decoder has already checked that
    /// `proof` lies inside the calldata.
    function _proves(bytes32[] calldata proof, bytes32 root, bytes32 node) private pure returns (bool valid) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let end := add(proof.offset, shl(5, proof.length))
            for {
                let p := proof.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let sibling := calldataload(p)
                // The smaller of the pair first, without a branch: node goes to 0x20 when it is the larger.
                let nodeAt := shl(5, lt(sibling, node))
                mstore(nodeAt, node)
                mstore(xor(nodeAt, 0x20), sibling)
                node := keccak256(0x00, 0x40)
            }
            valid := eq(node, root)
        }
    }

    /// @dev The OpenZeppelin StandardMerkleTree leaf for `["bytes32", "uint256"]`.
    function _node(bytes32 leaf, uint256 index) private pure returns (bytes32 node) {
        // Hashed in scratch space: abi.encode and bytes.concat would allocate fresh memory for each
        // certificate, which the bulk functions pay a hundred times over.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, leaf)
            mstore(0x20, index)
            mstore(0x00, keccak256(0x00, 0x40))
            node := keccak256(0x00, 0x20)
        }
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
