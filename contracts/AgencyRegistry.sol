// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";

/// @title Agency registry: who may issue which certificates, in which jurisdiction
/// @notice Governance registers agencies and certificate types; each agency's admins manage its officers.
/// @dev Checks run in a fixed order, one error each: input, existence, authority, state.
contract AgencyRegistry is IAgencyRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc IAgencyRegistry
    bytes32 public constant GOVERNANCE_ROLE = DEFAULT_ADMIN_ROLE;
    /// @inheritdoc IAgencyRegistry
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant OFFICER_CONSENT_TYPEHASH = keccak256(
        "OfficerConsent(uint32 agencyId,address officer,uint256 deadline)"
    );

    /// @inheritdoc IAgencyRegistry
    uint40 public immutable compromiseWindow;

    // The EIP-712 domain by hand: OpenZeppelin 5.7's EIP712 imports Strings and Bytes, whose MCOPY
    // a london target refuses to compile, and consortium chains run london.
    // solhint-disable-next-line gas-small-strings
    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _NAME_HASH = keccak256("certledger AgencyRegistry");
    bytes32 private constant _VERSION_HASH = keccak256("2");
    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;

    uint32 private constant _MIN_JURISDICTION = 100_000;
    uint32 private constant _MAX_JURISDICTION = 999_999;
    uint8 private constant _TYPE_COUNT = 128;
    /// @dev Bit offsets in the packed Officer and Agency slots (status, an enum, is the lowest byte).
    uint256 private constant _OFFICER_AGENCY_SHIFT = 8;
    uint256 private constant _AGENCY_TYPES_SHIFT = 80;

    mapping(uint32 agencyId => Agency) private _agencies;
    mapping(uint32 agencyId => bytes32) private _agencyMetadata;
    mapping(address account => Officer) private _officers;
    mapping(uint8 typeId => bytes32) private _certificateTypes;
    /// @dev bit `t` set: type `t` is defined; lets one comparison check a whole set of types
    uint128 private _definedTypes;

    /// @param governance the holder of GOVERNANCE_ROLE (the default admin), which also administers
    /// every agency's admin role
    /// @param governanceTransferDelay seconds between starting and accepting a move of governance
    /// @param compromiseWindow_ seconds an agency admin may backdate a key's compromise (> 0)
    constructor(
        address governance,
        uint48 governanceTransferDelay,
        uint40 compromiseWindow_
    ) AccessControlDefaultAdminRules(governanceTransferDelay, _validGovernance(governance)) {
        if (compromiseWindow_ == 0) revert AgencyRegistryInvalidCompromiseWindow(compromiseWindow_);
        compromiseWindow = compromiseWindow_;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
    }

    /// @inheritdoc IAgencyRegistry
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        // A fork that changes the chain id must not accept signatures made for the other chain.
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    /// @inheritdoc IAgencyRegistry
    function agencyAdminRole(uint32 agencyId) public pure returns (bytes32) {
        return keccak256(abi.encode("certledger.agency.admin", agencyId));
    }

    /// @inheritdoc IAgencyRegistry
    function defineCertificateType(uint8 typeId, bytes32 schemaHash) external onlyRole(GOVERNANCE_ROLE) {
        if (typeId >= _TYPE_COUNT || schemaHash == bytes32(0))
            revert AgencyRegistryInvalidCertificateType(typeId);
        if (_certificateTypes[typeId] != bytes32(0)) revert AgencyRegistryCertificateTypeExists(typeId);
        _certificateTypes[typeId] = schemaHash;
        _definedTypes |= uint128(1) << typeId;
        emit CertificateTypeDefined(typeId, schemaHash, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function registerAgency(
        uint32 agencyId,
        uint32 jurisdiction,
        bytes32 metadataHash,
        address admin,
        uint128 certificateTypes
    ) external onlyRole(GOVERNANCE_ROLE) {
        if (agencyId == 0) revert AgencyRegistryInvalidAgencyId(agencyId);
        if (jurisdiction < _MIN_JURISDICTION || jurisdiction > _MAX_JURISDICTION) {
            revert AgencyRegistryInvalidJurisdiction(jurisdiction);
        }
        if (admin == address(0)) revert AgencyRegistryInvalidAdmin(admin);
        _requireDefinedTypes(certificateTypes);
        if (_agencies[agencyId].status != AgencyStatus.None) revert AgencyRegistryAgencyExists(agencyId);

        _agencies[agencyId] = Agency({
            status: AgencyStatus.Active,
            jurisdiction: jurisdiction,
            registeredAt: _now(),
            certificateTypes: certificateTypes
        });
        _agencyMetadata[agencyId] = metadataHash;
        emit AgencyRegistered(agencyId, jurisdiction, metadataHash, certificateTypes, admin, _msgSender());

        bytes32 adminRole = agencyAdminRole(agencyId);
        _setRoleAdmin(adminRole, GOVERNANCE_ROLE);
        _grantRole(adminRole, admin);
    }

    /// @inheritdoc IAgencyRegistry
    function setAgencyStatus(uint32 agencyId, AgencyStatus status) external onlyRole(GOVERNANCE_ROLE) {
        Agency storage record = _existingAgency(agencyId);
        AgencyStatus from = record.status;
        bool allowed =
            (from == AgencyStatus.Active && status == AgencyStatus.Suspended) ||
                (from == AgencyStatus.Suspended && status == AgencyStatus.Active) ||
                (from != AgencyStatus.Retired && status == AgencyStatus.Retired);
        if (!allowed) revert AgencyRegistryInvalidStatusChange(agencyId, from, status);
        record.status = status;
        emit AgencyStatusChanged(agencyId, from, status, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function setAgencyCertificateTypes(
        uint32 agencyId,
        uint128 certificateTypes
    ) external onlyRole(GOVERNANCE_ROLE) {
        _requireDefinedTypes(certificateTypes);
        _existingAgency(agencyId).certificateTypes = certificateTypes;
        emit AgencyCertificateTypesChanged(agencyId, certificateTypes, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function setAgencyMetadata(uint32 agencyId, bytes32 metadataHash) external onlyRole(GOVERNANCE_ROLE) {
        _existingAgency(agencyId);
        _agencyMetadata[agencyId] = metadataHash;
        emit AgencyMetadataChanged(agencyId, metadataHash, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function addOfficer(
        uint32 agencyId,
        address account,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (account == address(0)) revert AgencyRegistryInvalidOfficer(account);
        AgencyStatus status = _existingAgency(agencyId).status;
        _requireAgencyAdmin(agencyId);
        if (status == AgencyStatus.Retired) revert AgencyRegistryAgencyNotActive(agencyId, status);
        if (_officers[account].status != OfficerStatus.None) revert AgencyRegistryOfficerExists(account);
        _requireConsent(agencyId, account, deadline, signature);

        _officers[account] = Officer({
            status: OfficerStatus.Active,
            agencyId: agencyId,
            addedAt: _now(),
            removedAt: 0,
            compromisedSince: 0
        });
        emit OfficerAdded(agencyId, account, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function removeOfficer(address account) external {
        Officer storage record = _existingOfficer(account);
        uint32 agencyId = record.agencyId;
        _requireAgencyAdmin(agencyId);
        if (record.status != OfficerStatus.Active) revert AgencyRegistryOfficerNotActive(account);
        _remove(record, agencyId, account);
    }

    /// @inheritdoc IAgencyRegistry
    function declareOfficerCompromised(address account, uint40 since) external {
        Officer storage record = _existingOfficer(account);
        uint32 agencyId = record.agencyId;
        _requireAgencyAdmin(agencyId);
        uint40 previous = record.compromisedSince;
        uint40 now_ = _now();
        if (since < record.addedAt || since > now_ || (previous != 0 && since >= previous)) {
            revert AgencyRegistryInvalidCompromiseTime(account, since);
        }
        // One agency admin key must not be able to void a whole history: going further back than the
        // window takes governance.
        uint40 earliest = now_ > compromiseWindow ? now_ - compromiseWindow : 0;
        if (since < earliest && !hasRole(GOVERNANCE_ROLE, _msgSender())) {
            revert AgencyRegistryCompromiseBeyondWindow(account, since, earliest);
        }
        if (record.status == OfficerStatus.Active) _remove(record, agencyId, account);
        record.compromisedSince = since;
        emit OfficerCompromised(agencyId, account, since, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function agency(uint32 agencyId) external view returns (Agency memory record, bytes32 metadataHash) {
        return (_agencies[agencyId], _agencyMetadata[agencyId]);
    }

    /// @inheritdoc IAgencyRegistry
    function officer(address account) external view returns (Officer memory) {
        return _officers[account];
    }

    /// @inheritdoc IAgencyRegistry
    function certificateType(uint8 typeId) external view returns (bytes32) {
        return _certificateTypes[typeId];
    }

    /// @inheritdoc IAgencyRegistry
    function definedCertificateTypes() external view returns (uint128) {
        return _definedTypes;
    }

    /// @inheritdoc IAgencyRegistry
    function requireIssuer(address account, uint8 typeId) external view returns (uint32 agencyId) {
        // Raw slot reads: the compiler reloads a packed slot per field, and this runs on every anchor.
        Officer storage officerRecord = _officers[account];
        uint256 officerSlot;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            officerSlot := sload(officerRecord.slot)
        }
        // Raw status bytes: the enum conversion's range check is not free, and stored values are valid.
        if (uint8(officerSlot) != uint8(OfficerStatus.Active)) {
            if (uint8(officerSlot) == uint8(OfficerStatus.None)) revert AgencyRegistryUnknownOfficer(account);
            revert AgencyRegistryOfficerNotActive(account);
        }
        agencyId = uint32(officerSlot >> _OFFICER_AGENCY_SHIFT);
        Agency storage agencyRecord = _agencies[agencyId];
        uint256 agencySlot;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            agencySlot := sload(agencyRecord.slot)
        }
        if (uint8(agencySlot) != uint8(AgencyStatus.Active)) {
            revert AgencyRegistryAgencyNotActive(agencyId, AgencyStatus(uint8(agencySlot)));
        }
        // The set fills bits 80..207 and the slot is zero above them: type ids >= 128 are refused too.
        if ((agencySlot >> _AGENCY_TYPES_SHIFT) & (uint256(1) << typeId) == 0) {
            revert AgencyRegistryTypeNotAuthorized(agencyId, typeId);
        }
    }

    /// @inheritdoc IAgencyRegistry
    function requireStatusAuthority(
        address account,
        uint32 agencyId
    ) external view returns (bool governance) {
        Officer storage officerRecord = _officers[account];
        uint256 officerSlot;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            officerSlot := sload(officerRecord.slot)
        }
        // The slot's low 40 bits are the status byte and the agency id: one comparison checks both.
        uint256 activeInAgency = (uint256(agencyId) << _OFFICER_AGENCY_SHIFT) | uint8(OfficerStatus.Active);
        if (uint40(officerSlot) == activeInAgency) {
            // A suspended or retired agency's officers change nothing.
            AgencyStatus status = _agencies[agencyId].status;
            if (status != AgencyStatus.Active) revert AgencyRegistryAgencyNotActive(agencyId, status);
            return false;
        }
        if (hasRole(GOVERNANCE_ROLE, account)) return true;
        revert AgencyRegistryNotStatusAuthority(account, agencyId);
    }

    /// @inheritdoc IAgencyRegistry
    function requireGovernance(address account) external view {
        if (!hasRole(GOVERNANCE_ROLE, account))
            revert AccessControlUnauthorizedAccount(account, GOVERNANCE_ROLE);
    }

    /// @dev The clock: the block time, in the width the records store.
    function _now() internal view virtual returns (uint40) {
        return uint40(block.timestamp);
    }

    function _requireConsent(
        uint32 agencyId,
        address account,
        uint256 deadline,
        bytes calldata signature
    ) private view {
        if (deadline < block.timestamp) revert AgencyRegistryConsentExpired(account, deadline);
        bytes32 structHash = keccak256(abi.encode(OFFICER_CONSENT_TYPEHASH, agencyId, account, deadline));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecover(digest, signature);
        if (failure != ECDSA.RecoverError.NoError || signer != account)
            revert AgencyRegistryInvalidConsent(account);
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return
            keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev Checked before AccessControlDefaultAdminRules' constructor, which names its own error.
    function _validGovernance(address governance) private pure returns (address) {
        if (governance == address(0)) revert AgencyRegistryInvalidGovernance(governance);
        return governance;
    }

    function _remove(Officer storage record, uint32 agencyId, address account) private {
        record.status = OfficerStatus.Removed;
        record.removedAt = _now();
        emit OfficerRemoved(agencyId, account, _msgSender());
    }

    function _existingAgency(uint32 agencyId) private view returns (Agency storage record) {
        record = _agencies[agencyId];
        if (record.status == AgencyStatus.None) revert AgencyRegistryUnknownAgency(agencyId);
    }

    function _existingOfficer(address account) private view returns (Officer storage record) {
        record = _officers[account];
        if (record.status == OfficerStatus.None) revert AgencyRegistryUnknownOfficer(account);
    }

    function _requireAgencyAdmin(uint32 agencyId) private view {
        address account = _msgSender();
        if (!hasRole(agencyAdminRole(agencyId), account) && !hasRole(GOVERNANCE_ROLE, account)) {
            revert AgencyRegistryNotAgencyAdmin(account, agencyId);
        }
    }

    /// @dev Reverts naming the lowest type id in `certificateTypes` that governance has not defined.
    function _requireDefinedTypes(uint128 certificateTypes) private view {
        uint128 undefinedTypes = certificateTypes & ~_definedTypes;
        if (undefinedTypes == 0) return;
        uint8 typeId = 0;
        while (undefinedTypes & 1 == 0) {
            undefinedTypes >>= 1;
            ++typeId;
        }
        revert AgencyRegistryUnknownCertificateType(typeId);
    }
}
