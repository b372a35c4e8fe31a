// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";

/// @title Agency registry: who may issue which certificates, in which jurisdiction
/// @notice Governance registers agencies and certificate types; each agency's admins manage its officers.
/// @dev The registry half of the one certledger contract (CertificateLedger inherits it): sharing the
/// contract spares every anchor and status change a call to another contract, and keeping one
/// authorisation word per officer (its status, agency, a copy of its agency's status and types) lets one
/// storage read authorise. The copies are rewritten whenever the
/// agency's status or types change, for every active officer of the agency: at most
/// `MAX_ACTIVE_OFFICERS`, so that rewrite is bounded. Checks run in a fixed order, one error each:
/// input, existence, authority, state.
abstract contract AgencyRegistry is IAgencyRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc IAgencyRegistry
    bytes32 public constant GOVERNANCE_ROLE = DEFAULT_ADMIN_ROLE;
    /// @inheritdoc IAgencyRegistry
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant OFFICER_CONSENT_TYPEHASH = keccak256(
        "OfficerConsent(uint32 agencyId,address officer,uint256 deadline)"
    );

    /// @inheritdoc IAgencyRegistry
    uint40 public immutable compromiseWindow;
    /// @inheritdoc IAgencyRegistry
    uint256 public constant MAX_ACTIVE_OFFICERS = 64;

    // The EIP-712 domain by hand: OpenZeppelin 5.7's EIP712 imports Strings and Bytes, whose MCOPY
    // a london target refuses to compile, and consortium chains run london.
    // solhint-disable-next-line gas-small-strings
    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _NAME_HASH = keccak256("certledger CertificateLedger");
    bytes32 private constant _VERSION_HASH = keccak256("2");
    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;

    uint32 private constant _MIN_JURISDICTION = 100_000;
    uint32 private constant _MAX_JURISDICTION = 999_999;
    uint8 private constant _TYPE_COUNT = 128;
    /// @dev Bit offsets in an officer's authorisation word (OfficerAuth; its status is the lowest byte).
    uint256 private constant _OFFICER_AGENCY_SHIFT = 8;
    uint256 private constant _AUTH_AGENCY_STATUS_SHIFT = 40;
    uint256 private constant _AUTH_TYPES_SHIFT = 48;

    /// @dev What authorises an officer, in one slot: read once per anchor or status change.
    struct OfficerAuth {
        OfficerStatus status;
        uint32 agencyId;
        /// @dev copies of the agency's status and types, kept equal by `_syncOfficers`
        AgencyStatus agencyStatus;
        uint128 certificateTypes;
    }

    struct OfficerRecord {
        OfficerAuth auth;
        uint40 addedAt;
        uint40 removedAt;
        uint40 compromisedSince;
        /// @dev its place in `_activeOfficers[agencyId]` while active
        uint8 position;
    }

    mapping(uint32 agencyId => Agency) private _agencies;
    mapping(uint32 agencyId => bytes32) private _agencyMetadata;
    mapping(address account => OfficerRecord) private _officers;
    /// @dev the active officers of each agency, whose authorisation words copy the agency's record
    mapping(uint32 agencyId => address[]) private _activeOfficers;
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
        _syncOfficers(agencyId, record);
        emit AgencyStatusChanged(agencyId, from, status, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function setAgencyCertificateTypes(
        uint32 agencyId,
        uint128 certificateTypes
    ) external onlyRole(GOVERNANCE_ROLE) {
        _requireDefinedTypes(certificateTypes);
        Agency storage record = _existingAgency(agencyId);
        record.certificateTypes = certificateTypes;
        _syncOfficers(agencyId, record);
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
        Agency storage agencyRecord = _existingAgency(agencyId);
        AgencyStatus status = agencyRecord.status;
        _requireAgencyAdmin(agencyId);
        if (status == AgencyStatus.Retired) revert AgencyRegistryAgencyNotActive(agencyId, status);
        if (_officers[account].auth.status != OfficerStatus.None) revert AgencyRegistryOfficerExists(account);
        address[] storage active = _activeOfficers[agencyId];
        if (active.length == MAX_ACTIVE_OFFICERS) revert AgencyRegistryTooManyOfficers(agencyId);
        _requireConsent(agencyId, account, deadline, signature);

        _officers[account] = OfficerRecord({
            auth: OfficerAuth({
                status: OfficerStatus.Active,
                agencyId: agencyId,
                agencyStatus: status,
                certificateTypes: agencyRecord.certificateTypes
            }),
            addedAt: _now(),
            removedAt: 0,
            compromisedSince: 0,
            position: uint8(active.length)
        });
        active.push(account);
        emit OfficerAdded(agencyId, account, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function removeOfficer(address account) external {
        OfficerRecord storage record = _existingOfficer(account);
        uint32 agencyId = record.auth.agencyId;
        _requireAgencyAdmin(agencyId);
        if (record.auth.status != OfficerStatus.Active) revert AgencyRegistryOfficerNotActive(account);
        _remove(record, agencyId, account);
    }

    /// @inheritdoc IAgencyRegistry
    function declareOfficerCompromised(address account, uint40 since) external {
        OfficerRecord storage record = _existingOfficer(account);
        uint32 agencyId = record.auth.agencyId;
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
        if (record.auth.status == OfficerStatus.Active) _remove(record, agencyId, account);
        record.compromisedSince = since;
        emit OfficerCompromised(agencyId, account, since, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function agency(uint32 agencyId) external view returns (Agency memory record, bytes32 metadataHash) {
        return _agency(agencyId);
    }

    /// @inheritdoc IAgencyRegistry
    function officer(address account) external view returns (Officer memory) {
        return _officerRecord(account);
    }

    /// @inheritdoc IAgencyRegistry
    function certificateType(uint8 typeId) external view returns (bytes32) {
        return _certificateTypes[typeId];
    }

    /// @inheritdoc IAgencyRegistry
    function definedCertificateTypes() external view returns (uint128) {
        return _definedTypes;
    }

    /// @dev Reverts unless `account` is an active officer of an active agency authorised for `typeId`;
    /// returns that agency's id. One storage read: the officer's authorisation word.
    function _requireIssuer(address account, uint8 typeId) internal view returns (uint32 agencyId) {
        uint256 word = _authWord(account);
        // Raw status bytes: the enum conversion's range check is not free, and stored values are valid.
        if (uint8(word) != uint8(OfficerStatus.Active)) {
            if (uint8(word) == uint8(OfficerStatus.None)) revert AgencyRegistryUnknownOfficer(account);
            revert AgencyRegistryOfficerNotActive(account);
        }
        agencyId = uint32(word >> _OFFICER_AGENCY_SHIFT);
        uint8 agencyStatus = uint8(word >> _AUTH_AGENCY_STATUS_SHIFT);
        if (agencyStatus != uint8(AgencyStatus.Active)) {
            revert AgencyRegistryAgencyNotActive(agencyId, AgencyStatus(agencyStatus));
        }
        // The type set is 128 bits wide: type ids >= 128 are refused first.
        if (typeId >= _TYPE_COUNT || (word >> _AUTH_TYPES_SHIFT) & (uint256(1) << typeId) == 0) {
            revert AgencyRegistryTypeNotAuthorized(agencyId, typeId);
        }
    }

    /// @dev Reverts unless `account` may change statuses of `agencyId`'s certificates: an active officer
    /// of that agency while the agency is active, or governance. Returns whether it is governance.
    function _requireStatusAuthority(
        address account,
        uint32 agencyId
    ) internal view returns (bool governance) {
        uint256 word = _authWord(account);
        // The word's low 40 bits are the status byte and the agency id: one comparison checks both.
        uint256 activeInAgency = (uint256(agencyId) << _OFFICER_AGENCY_SHIFT) | uint8(OfficerStatus.Active);
        if (uint40(word) == activeInAgency) {
            // A suspended or retired agency's officers change nothing.
            uint8 agencyStatus = uint8(word >> _AUTH_AGENCY_STATUS_SHIFT);
            if (agencyStatus != uint8(AgencyStatus.Active)) {
                revert AgencyRegistryAgencyNotActive(agencyId, AgencyStatus(agencyStatus));
            }
            return false;
        }
        if (hasRole(GOVERNANCE_ROLE, account)) return true;
        revert AgencyRegistryNotStatusAuthority(account, agencyId);
    }

    /// @dev The officer record of `account` as the interface presents it.
    function _officerRecord(address account) internal view returns (Officer memory) {
        OfficerRecord storage record = _officers[account];
        return
            Officer({
                status: record.auth.status,
                agencyId: record.auth.agencyId,
                addedAt: record.addedAt,
                removedAt: record.removedAt,
                compromisedSince: record.compromisedSince
            });
    }

    /// @dev `account`'s declared compromise time (0 = none) and agency, for verification and restoration.
    function _compromise(address account) internal view returns (uint40 compromisedSince, uint32 agencyId) {
        OfficerRecord storage record = _officers[account];
        return (record.compromisedSince, record.auth.agencyId);
    }

    /// @dev The agency record and metadata hash of `agencyId`.
    function _agency(uint32 agencyId) internal view returns (Agency memory record, bytes32 metadataHash) {
        return (_agencies[agencyId], _agencyMetadata[agencyId]);
    }

    /// @dev The EIP-712 digest of `structHash` in this contract's domain (OpenZeppelin's
    /// MessageHashUtils.toTypedDataHash, whose library a london build cannot import: it pulls in MCOPY).
    function _typedDataHash(bytes32 structHash) internal view returns (bytes32 digest) {
        bytes32 domainSeparator = DOMAIN_SEPARATOR();
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), domainSeparator)
            mstore(add(ptr, 0x22), structHash)
            digest := keccak256(ptr, 0x42)
        }
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
        (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecoverCalldata(
            _typedDataHash(structHash),
            signature
        );
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

    /// @dev Marks an active officer removed and takes it out of its agency's active list (swap and pop).
    function _remove(OfficerRecord storage record, uint32 agencyId, address account) private {
        record.auth.status = OfficerStatus.Removed;
        record.removedAt = _now();
        address[] storage active = _activeOfficers[agencyId];
        address last = active[active.length - 1];
        uint8 position = record.position;
        active[position] = last;
        _officers[last].position = position;
        active.pop();
        emit OfficerRemoved(agencyId, account, _msgSender());
    }

    /// @dev Copies the agency's status and types into each of its active officers' authorisation words.
    function _syncOfficers(uint32 agencyId, Agency storage record) private {
        AgencyStatus status = record.status;
        uint128 certificateTypes = record.certificateTypes;
        address[] storage active = _activeOfficers[agencyId];
        for (uint256 i = 0; i < active.length; ++i) {
            OfficerAuth storage auth = _officers[active[i]].auth;
            auth.agencyStatus = status;
            auth.certificateTypes = certificateTypes;
        }
    }

    /// @dev The raw authorisation word of `account`: the compiler reloads a packed slot per field, and
    /// this runs on every anchor and status change.
    function _authWord(address account) private view returns (uint256 word) {
        OfficerAuth storage auth = _officers[account].auth;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(auth.slot)
        }
    }

    function _existingAgency(uint32 agencyId) private view returns (Agency storage record) {
        record = _agencies[agencyId];
        if (record.status == AgencyStatus.None) revert AgencyRegistryUnknownAgency(agencyId);
    }

    function _existingOfficer(address account) private view returns (OfficerRecord storage record) {
        record = _officers[account];
        if (record.auth.status == OfficerStatus.None) revert AgencyRegistryUnknownOfficer(account);
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
