// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AgencyRegistry} from "../../../contracts/AgencyRegistry.sol";
import {CertificateLedger} from "../../../contracts/CertificateLedger.sol";
import {ICertificateLedger} from "../../../contracts/interfaces/ICertificateLedger.sol";
import {CertledgerFixture} from "./CertledgerFixture.sol";

/// @dev The invariant runner's entry point: random actors try random status changes on one batch of
/// agency A. It keeps the expected status of each certificate and counts what should never happen.
contract StatusHandler is CertledgerFixture {
    bytes32 public constant SALT = keccak256("invariant batch");
    address private constant _STRANGER = address(0x5);

    bytes32 public immutable root;
    ICertificateLedger.LeafStatus[SIZE] private _expected;
    mapping(uint256 index => bool) public everRevoked;
    /// @dev a status change that succeeded for an account outside agency A and governance
    uint256 public unauthorisedChanges;
    /// @dev a permitted change by an authorised account that the ledger refused
    uint256 public refusedPermittedChanges;
    uint256 public changes;
    /// @dev an anchor by agency A refused because agency B anchored the same root first
    uint256 public blockedAnchors;
    uint40 public immutable anchoredAt;
    bytes32[] public squatted;
    mapping(uint256 index => bool) private _heldByGovernance;

    constructor(AgencyRegistry registry_, CertificateLedger ledger_, bytes32 root_) {
        registry = registry_;
        ledger = ledger_;
        root = root_;
        anchoredAt = ledger_.batch(AGENCY_A, root_).anchoredAt;
    }

    function squattedCount() external view returns (uint256) {
        return squatted.length;
    }

    /// @dev B's officer anchors a root agency A is about to anchor (or already has); A then anchors it.
    function squat(uint256 saltSeed, uint24 size) external {
        bytes32 target = _rootOf(keccak256(abi.encode("squat", saltSeed % 4)));
        squatted.push(target);
        VM.prank(OFFICER_B1);
        try ledger.anchor(target, TYPE_ID, size == 0 ? 1 : size) {} catch {}
        if (ledger.batch(AGENCY_A, target).officer != address(0)) return;
        VM.prank(OFFICER_A1);
        try ledger.anchor(target, TYPE_ID, uint24(SIZE)) {} catch {
            ++blockedAnchors;
        }
    }

    function expected(uint256 index) external view returns (ICertificateLedger.LeafStatus) {
        return _expected[index];
    }

    function act(uint256 actorSeed, uint256 indexSeed, uint256 operationSeed, uint256 reasonSeed) external {
        address[6] memory actors = [OFFICER_A1, OFFICER_A2, GOVERNANCE, OFFICER_B1, ADMIN_A, _STRANGER];
        address actor = actors[actorSeed % actors.length];
        uint256 index = indexSeed % SIZE;
        ICertificateLedger.LeafStatus to = ICertificateLedger.LeafStatus(operationSeed % 3);
        uint8 reason = _validReason(reasonSeed);
        bytes32 leaf = _leaf(SALT, index);
        bytes32[] memory proof = _proof(SALT, index);

        VM.prank(actor);
        bool ok;
        if (to == ICertificateLedger.LeafStatus.Revoked) {
            try ledger.revoke(root, leaf, _target(AGENCY_A, index, reason), proof) {
                ok = true;
            } catch {}
        } else if (to == ICertificateLedger.LeafStatus.Suspended) {
            try ledger.suspend(root, leaf, _target(AGENCY_A, index, reason), proof) {
                ok = true;
            } catch {}
        } else {
            try ledger.reinstate(root, leaf, _target(AGENCY_A, index, 0), proof) {
                ok = true;
            } catch {}
        }
        _record(actor, index, to, ok);
    }

    function _record(address actor, uint256 index, ICertificateLedger.LeafStatus to, bool ok) private {
        bool authorised = actor == OFFICER_A1 || actor == OFFICER_A2 || actor == GOVERNANCE;
        ICertificateLedger.LeafStatus from = _expected[index];
        bool permitted =
            to == ICertificateLedger.LeafStatus.Revoked
                ? from != ICertificateLedger.LeafStatus.Revoked
                : (
                    to == ICertificateLedger.LeafStatus.Suspended
                        ? from == ICertificateLedger.LeafStatus.Active
                        : from == ICertificateLedger.LeafStatus.Suspended &&
                            (actor == GOVERNANCE || !_heldByGovernance[index])
                );
        if (ok && !authorised) ++unauthorisedChanges;
        if (!ok && authorised && permitted) ++refusedPermittedChanges;
        if (!ok) return;
        ++changes;
        _expected[index] = to;
        _heldByGovernance[index] = actor == GOVERNANCE;
        if (to == ICertificateLedger.LeafStatus.Revoked) everRevoked[index] = true;
    }
}
