// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @dev The cheatcodes these tests use, at the address every Foundry-compatible runner (Hardhat's EDR
/// included) serves them from. forge-std cannot be installed here; this is all of it we need.
interface Vm {
    function prank(address sender) external;
    function warp(uint256 timestamp) external;
    function assume(bool condition) external pure;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
}

/// @dev Base of the Solidity tests: the cheatcode handle and the few assertions they need.
abstract contract TestBase {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error AssertionFailed(string what);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailed(what);
    }
}

/// @dev What the invariant runner asks a test contract for: the contracts whose functions it calls.
abstract contract InvariantTargets {
    address[] private _targets;

    function targetContracts() public view returns (address[] memory) {
        return _targets;
    }

    function _target(address target) internal {
        _targets.push(target);
    }
}
