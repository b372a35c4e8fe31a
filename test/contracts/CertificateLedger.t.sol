// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAgencyRegistry} from "../../contracts/interfaces/IAgencyRegistry.sol";
import {ICertificateLedger} from "../../contracts/interfaces/ICertificateLedger.sol";
import {CertledgerFixture} from "./support/CertledgerFixture.sol";
import {StatusHandler} from "./support/StatusHandler.sol";
import {InvariantTargets} from "./support/Vm.sol";

/// @dev Fuzzed properties of the ledger: finality of revocation, proofs, authority, compromise.
contract CertificateLedgerFuzzTest is CertledgerFixture {
    bytes32 private constant _SALT = keccak256("fuzz batch");
    bytes32 private _root;

    function setUp() public {
        _deploy();
        _root = _anchor(_SALT, OFFICER_A1);
    }

    /// @dev Once revoked, no actor and no operation brings a certificate back.
    function testFuzz_RevokedNeverVerifiesActiveAgain(
        uint256 indexSeed,
        uint256 reasonSeed,
        uint256 actorSeed,
        uint256 operationSeed
    ) public {
        uint256 index = indexSeed % SIZE;
        uint8 reason = _validReason(reasonSeed);
        _change(OFFICER_A1, ICertificateLedger.LeafStatus.Revoked, index, reason);

        address[3] memory actors = [OFFICER_A1, OFFICER_A2, GOVERNANCE];
        ICertificateLedger.LeafStatus to = ICertificateLedger.LeafStatus(operationSeed % 3);
        VM.expectRevert(
            abi.encodeWithSelector(
                ICertificateLedger.CertificateLedgerInvalidTransition.selector,
                _leaf(_SALT, index),
                ICertificateLedger.LeafStatus.Revoked,
                to
            )
        );
        _change(actors[actorSeed % actors.length], to, index, _validReason(reasonSeed >> 8));

        ICertificateLedger.LeafVerification memory v = ledger.verifyLeaf(
            AGENCY_A,
            _root,
            _leaf(_SALT, index),
            index,
            _proof(_SALT, index)
        );
        assertTrue(v.proofValid, "the revoked certificate is still proven");
        assertTrue(v.status == ICertificateLedger.LeafStatus.Revoked, "revocation was undone");
        assertEq(v.reason, reason, "the revocation reason changed");
    }

    /// @dev No (leaf, index, proof) outside the batch verifies, and none can have its status changed.
    function testFuzz_LeafNotInBatchNeverVerifies(
        bytes32 leaf,
        uint256 index,
        bytes32[] calldata proof
    ) public {
        VM.assume(index >= SIZE || leaf != _leaf(_SALT, index));
        ICertificateLedger.LeafVerification memory v = ledger.verifyLeaf(AGENCY_A, _root, leaf, index, proof);
        assertTrue(v.anchored, "the batch is anchored");
        assertTrue(!v.proofValid, "a leaf outside the batch verified");

        VM.prank(OFFICER_A1);
        try ledger.revoke(_root, leaf, _target(AGENCY_A, index, 0), proof) {
            assertTrue(false, "a leaf outside the batch was revoked");
        } catch {}
    }

    /// @dev The ledger's hand-written proof loop agrees with OpenZeppelin's MerkleProof on any proof: the
    /// root OpenZeppelin folds (leaf, index) up to verifies, another anchored root does not.
    function testFuzz_ProofCheckAgreesWithOpenZeppelin(
        bytes32 leaf,
        uint16 index,
        bytes32[] calldata proof,
        bytes32 otherRoot
    ) public {
        bytes32 node = keccak256(bytes.concat(keccak256(abi.encode(leaf, uint256(index)))));
        bytes32 root = MerkleProof.processProofCalldata(proof, node);
        VM.assume(root != _root && otherRoot != _root && otherRoot != root && otherRoot != bytes32(0));
        VM.prank(OFFICER_A1);
        ledger.anchor(root, TYPE_ID, uint24(index) + 1);
        VM.prank(OFFICER_A1);
        ledger.anchor(otherRoot, TYPE_ID, uint24(index) + 1);
        assertTrue(
            ledger.verifyLeaf(AGENCY_A, root, leaf, index, proof).proofValid,
            "OpenZeppelin's root refused"
        );
        assertTrue(
            !ledger.verifyLeaf(AGENCY_A, otherRoot, leaf, index, proof).proofValid,
            "a root OpenZeppelin refuses verified"
        );
    }

    /// @dev A genuine member proven with the wrong index or another batch's proof does not verify either.
    function testFuzz_MemberWithWrongIndexNeverVerifies(uint256 indexSeed, uint256 claimed) public view {
        uint256 index = indexSeed % SIZE;
        VM.assume(claimed != index);
        bytes32 leaf = _leaf(_SALT, index);
        assertTrue(
            !ledger.verifyLeaf(AGENCY_A, _root, leaf, claimed, _proof(_SALT, index)).proofValid,
            "wrong index verified"
        );
        bytes32 otherRoot = _rootOf(keccak256("elsewhere"));
        assertTrue(
            !ledger.verifyLeaf(AGENCY_A, otherRoot, leaf, index, _proof(_SALT, index)).anchored,
            "an unknown root is anchored"
        );
    }

    /// @dev Only agency A's active officers and governance change the status of A's certificates.
    function testFuzz_OnlyIssuingAgencyOrGovernanceChangesStatus(
        address caller,
        uint256 indexSeed,
        uint256 operationSeed
    ) public {
        VM.assume(caller != OFFICER_A1 && caller != OFFICER_A2 && caller != GOVERNANCE);
        uint256 index = indexSeed % SIZE;
        bytes32 leaf = _leaf(_SALT, index);
        bytes32[] memory proof = _proof(_SALT, index);
        uint256 operation = operationSeed % 3;

        VM.expectRevert(
            abi.encodeWithSelector(
                IAgencyRegistry.AgencyRegistryNotStatusAuthority.selector,
                caller,
                AGENCY_A
            )
        );
        VM.prank(caller);
        if (operation == 0) ledger.revoke(_root, leaf, _target(AGENCY_A, index, 1), proof);
        else if (operation == 1) ledger.suspend(_root, leaf, _target(AGENCY_A, index, 6), proof);
        else ledger.revokeBatch(AGENCY_A, _root, 1);

        (ICertificateLedger.LeafStatus status, ) = ledger.leafStatus(AGENCY_A, _root, index);
        assertTrue(status == ICertificateLedger.LeafStatus.Active, "an outsider changed a status");
        (uint40 revokedAt, , ) = ledger.batchRevocation(AGENCY_A, _root);
        assertEq(revokedAt, 0, "an outsider revoked the batch");

        address[2] memory insiders = [OFFICER_A2, GOVERNANCE];
        VM.prank(insiders[operationSeed % 2]);
        ledger.suspend(_root, leaf, _target(AGENCY_A, index, 6), proof);
        (status, ) = ledger.leafStatus(AGENCY_A, _root, index);
        assertTrue(status == ICertificateLedger.LeafStatus.Suspended, "an insider could not suspend");
    }

    /// @dev `actor` moves certificate `index` of the fuzz batch to `to`.
    function _change(address actor, ICertificateLedger.LeafStatus to, uint256 index, uint8 reason) private {
        bytes32 leaf = _leaf(_SALT, index);
        bytes32[] memory proof = _proof(_SALT, index);
        VM.prank(actor);
        if (to == ICertificateLedger.LeafStatus.Revoked)
            ledger.revoke(_root, leaf, _target(AGENCY_A, index, reason), proof);
        else if (to == ICertificateLedger.LeafStatus.Suspended)
            ledger.suspend(_root, leaf, _target(AGENCY_A, index, reason), proof);
        else ledger.reinstate(_root, leaf, _target(AGENCY_A, index, 0), proof);
    }

    /// @dev Declared compromised since T: batches anchored at or after T fail, earlier ones pass.
    function testFuzz_CompromisedSinceVoidsLaterBatchesOnly(
        uint32 firstGap,
        uint32 secondGap,
        uint256 sinceSeed
    ) public {
        uint256 firstAt = block.timestamp;
        VM.warp(firstAt + 1 + (firstGap % 365 days));
        bytes32 laterRoot = _anchor(keccak256("later batch"), OFFICER_A1);
        uint256 secondAt = block.timestamp;
        VM.warp(secondAt + (secondGap % 365 days));
        // Any time from the key's registration on: governance may go back further than the admin window.
        uint40 addedAt = registry.officer(OFFICER_A1).addedAt;
        uint40 since = uint40(addedAt + (sinceSeed % (block.timestamp - addedAt + 1)));

        VM.prank(GOVERNANCE);
        registry.declareOfficerCompromised(OFFICER_A1, since);

        bytes32 leaf = _leaf(_SALT, 0);
        ICertificateLedger.LeafVerification memory first = ledger.verifyLeaf(
            AGENCY_A,
            _root,
            leaf,
            0,
            _proof(_SALT, 0)
        );
        bytes32 laterLeaf = _leaf(keccak256("later batch"), 0);
        ICertificateLedger.LeafVerification memory second = ledger.verifyLeaf(
            AGENCY_A,
            laterRoot,
            laterLeaf,
            0,
            _proof(keccak256("later batch"), 0)
        );
        assertTrue(first.issuerAuthorized == (firstAt < since), "first batch judged wrongly");
        assertTrue(second.issuerAuthorized == (secondAt < since), "second batch judged wrongly");
        assertEq(first.officerCompromisedSince, since, "compromise time not reported");
        assertTrue(first.proofValid && second.proofValid, "proofs must still verify");
    }
}

/// @dev Invariants over random sequences of status changes by random actors.
contract CertificateLedgerInvariantTest is CertledgerFixture, InvariantTargets {
    StatusHandler private _handler;

    function setUp() public {
        _deploy();
        bytes32 salt = keccak256("invariant batch");
        bytes32 root = _anchor(salt, OFFICER_A1);
        _handler = new StatusHandler(registry, ledger, root);
        _target(address(_handler));
    }

    function invariant_RevokedStaysRevoked() public view {
        bytes32 root = _handler.root();
        for (uint256 i = 0; i < SIZE; ++i) {
            if (!_handler.everRevoked(i)) continue;
            (ICertificateLedger.LeafStatus status, ) = ledger.leafStatus(AGENCY_A, root, i);
            assertTrue(status == ICertificateLedger.LeafStatus.Revoked, "a revoked certificate came back");
        }
    }

    function invariant_StatusFollowsPermittedChangesOnly() public view {
        bytes32 root = _handler.root();
        for (uint256 i = 0; i < SIZE; ++i) {
            (ICertificateLedger.LeafStatus status, ) = ledger.leafStatus(AGENCY_A, root, i);
            assertTrue(status == _handler.expected(i), "status differs from the permitted history");
        }
    }

    function invariant_OnlyAuthorisedActorsChangeStatus() public view {
        assertEq(_handler.unauthorisedChanges(), 0, "an outsider changed a status");
        assertEq(_handler.refusedPermittedChanges(), 0, "a permitted change was refused");
    }

    /// @dev Agency B's officer anchoring A's roots first never blocks A from anchoring them.
    function invariant_NoAgencyBlocksAnotherAgencysAnchor() public view {
        assertEq(_handler.blockedAnchors(), 0, "agency B blocked an anchor of agency A");
    }

    /// @dev An anchored batch's record never changes, except its revocation flag and record.
    function invariant_AnchoredBatchRecordNeverChanges() public view {
        ICertificateLedger.Batch memory record = ledger.batch(AGENCY_A, _handler.root());
        assertTrue(record.officer == OFFICER_A1, "the batch changed hands");
        assertEq(record.agencyId, AGENCY_A, "the batch changed agency");
        assertEq(record.anchoredAt, _handler.anchoredAt(), "the anchoring time changed");
        assertEq(record.typeId, TYPE_ID, "the type changed");
        assertEq(record.size, SIZE, "the size changed");
        for (uint256 k = 0; k < _handler.squattedCount(); ++k) {
            bytes32 squatted = _handler.squatted(k);
            ICertificateLedger.Batch memory mine = ledger.batch(AGENCY_A, squatted);
            if (mine.officer != address(0))
                assertTrue(mine.officer == OFFICER_A1, "A's batch names B's officer");
        }
    }
}
