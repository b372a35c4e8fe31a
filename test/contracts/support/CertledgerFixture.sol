// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {AgencyRegistry} from "../../../contracts/AgencyRegistry.sol";
import {CertificateLedger} from "../../../contracts/CertificateLedger.sol";
import {TestBase} from "./Vm.sol";

/// @dev The certledger contract (registry and ledger in one; `registry` is the same contract seen as
/// its AgencyRegistry base) with two agencies (A: officers A1, A2; B: officer B1) and an 8-certificate
/// tree built the way OpenZeppelin's StandardMerkleTree hashes `["bytes32", "uint256"]` leaves.
abstract contract CertledgerFixture is TestBase {
    uint8 internal constant TYPE_ID = 1;
    uint32 internal constant AGENCY_A = 1;
    uint32 internal constant AGENCY_B = 2;
    uint256 internal constant SIZE = 8;

    uint40 internal constant COMPROMISE_WINDOW = 30 days;
    address internal constant GOVERNANCE = address(0x60);
    address internal constant ADMIN_A = address(0xA0);
    address internal constant ADMIN_B = address(0xB0);
    /// @dev Officer keys sign their consent to join an agency: addresses of known private keys.
    address internal immutable OFFICER_A1 = VM.addr(0xA1);
    address internal immutable OFFICER_A2 = VM.addr(0xA2);
    address internal immutable OFFICER_B1 = VM.addr(0xB1);

    AgencyRegistry internal registry;
    CertificateLedger internal ledger;

    /// @dev The `target` word of the single-certificate status calls.
    function _target(uint32 agencyId, uint256 index, uint8 reason) internal pure returns (uint256) {
        return (uint256(agencyId) << 40) | (index << 8) | reason;
    }

    function _deploy() internal {
        VM.warp(1_800_000_000);
        ledger = new CertificateLedger(GOVERNANCE, 2 days, COMPROMISE_WINDOW);
        registry = ledger;
        VM.prank(GOVERNANCE);
        registry.defineCertificateType(TYPE_ID, keccak256("schema"));
        VM.prank(GOVERNANCE);
        registry.registerAgency(AGENCY_A, 110_000, keccak256("A"), ADMIN_A, uint128(1) << TYPE_ID);
        VM.prank(GOVERNANCE);
        registry.registerAgency(AGENCY_B, 120_000, keccak256("B"), ADMIN_B, uint128(1) << TYPE_ID);
        _addOfficer(ADMIN_A, AGENCY_A, 0xA1);
        _addOfficer(ADMIN_A, AGENCY_A, 0xA2);
        _addOfficer(ADMIN_B, AGENCY_B, 0xB1);
    }

    /// @dev The officer key's EIP-712 consent to join `agencyId`, valid for an hour.
    function _consent(
        uint256 key,
        uint32 agencyId
    ) internal view returns (uint256 deadline, bytes memory signature) {
        deadline = block.timestamp + 1 hours;
        // Built here from the EIP-712 rules, not read from the registry: the test checks its domain.
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("certledger CertificateLedger"),
                keccak256("2"),
                block.chainid,
                address(registry)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(registry.OFFICER_CONSENT_TYPEHASH(), agencyId, VM.addr(key), deadline)
        );
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", domain, structHash));
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, digest);
        signature = abi.encodePacked(r, s, v);
    }

    function _addOfficer(address admin, uint32 agencyId, uint256 key) internal {
        (uint256 deadline, bytes memory signature) = _consent(key, agencyId);
        address officer = VM.addr(key);
        VM.prank(admin);
        registry.addOfficer(agencyId, officer, deadline, signature);
    }

    function _leaf(bytes32 salt, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encode(salt, index));
    }

    function _node(bytes32 leaf, uint256 index) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(leaf, index))));
    }

    /// @dev The three tree levels above the leaves of batch `salt`.
    function _levels(
        bytes32 salt
    ) private pure returns (bytes32[8] memory nodes, bytes32[4] memory pairs, bytes32[2] memory halves) {
        for (uint256 i = 0; i < SIZE; ++i) nodes[i] = _node(_leaf(salt, i), i);
        for (uint256 i = 0; i < 4; ++i)
            pairs[i] = Hashes.commutativeKeccak256(nodes[2 * i], nodes[2 * i + 1]);
        for (uint256 i = 0; i < 2; ++i)
            halves[i] = Hashes.commutativeKeccak256(pairs[2 * i], pairs[2 * i + 1]);
    }

    function _rootOf(bytes32 salt) internal pure returns (bytes32) {
        (, , bytes32[2] memory halves) = _levels(salt);
        return Hashes.commutativeKeccak256(halves[0], halves[1]);
    }

    function _proof(bytes32 salt, uint256 index) internal pure returns (bytes32[] memory proof) {
        (bytes32[8] memory nodes, bytes32[4] memory pairs, bytes32[2] memory halves) = _levels(salt);
        proof = new bytes32[](3);
        proof[0] = nodes[index ^ 1];
        proof[1] = pairs[(index >> 1) ^ 1];
        proof[2] = halves[(index >> 2) ^ 1];
    }

    /// @dev Anchors batch `salt` as `officer` and returns its root.
    function _anchor(bytes32 salt, address officer) internal returns (bytes32 root) {
        root = _rootOf(salt);
        VM.prank(officer);
        ledger.anchor(root, TYPE_ID, uint24(SIZE));
    }

    /// @dev Reason codes 0..10 without 7: the RFC 5280 CRLReason values.
    function _validReason(uint256 seed) internal pure returns (uint8 reason) {
        reason = uint8(seed % 10);
        if (reason >= 7) ++reason;
    }
}
