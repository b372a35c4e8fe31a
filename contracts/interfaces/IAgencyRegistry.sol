// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Agency registry: who may issue which certificates, in which jurisdiction
/// @notice Governance (the platform authority) registers agencies and the certificate types they may
/// issue; each agency's admins manage that agency's officer keys. No personal data is stored here.
interface IAgencyRegistry {
    enum AgencyStatus {
        None,
        Active,
        Suspended,
        Retired
    }

    enum OfficerStatus {
        None,
        Active,
        Removed
    }

    /// @dev Packed in one slot. Its status and types are copied into each active officer's
    /// authorisation word, which is all an anchor or a status change reads.
    struct Agency {
        AgencyStatus status;
        uint32 jurisdiction;
        uint40 registeredAt;
        /// @dev bit `t` set: the agency may issue certificate type `t` (0..127)
        uint128 certificateTypes;
    }

    /// @dev An address belongs to one agency forever, so batches keep their meaning.
    struct Officer {
        OfficerStatus status;
        uint32 agencyId;
        uint40 addedAt;
        uint40 removedAt;
        /// @dev 0 = never declared compromised; otherwise batches anchored at or after this time are void
        uint40 compromisedSince;
    }

    /// @notice EIP-712 type an officer key signs to consent to being bound to one agency (finding 5:
    /// no agency can bind, and so own, another agency's key). Domain: name "certledger CertificateLedger",
    /// version "2", the chain id and the contract's address (registry and ledger are one contract).
    /// `OfficerConsent(uint32 agencyId,address officer,uint256 deadline)`
    function OFFICER_CONSENT_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 domain separator of this contract on the current chain (name "certledger
    /// CertificateLedger", version "2"): officer consents and delegated ledger calls share it.
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    error AgencyRegistryInvalidAgencyId(uint32 agencyId);
    error AgencyRegistryAgencyExists(uint32 agencyId);
    error AgencyRegistryUnknownAgency(uint32 agencyId);
    error AgencyRegistryInvalidJurisdiction(uint32 jurisdiction);
    error AgencyRegistryInvalidStatusChange(uint32 agencyId, AgencyStatus from, AgencyStatus to);
    error AgencyRegistryAgencyNotActive(uint32 agencyId, AgencyStatus status);
    error AgencyRegistryUnknownCertificateType(uint8 typeId);
    error AgencyRegistryCertificateTypeExists(uint8 typeId);
    error AgencyRegistryInvalidCertificateType(uint8 typeId);
    error AgencyRegistryTypeNotAuthorized(uint32 agencyId, uint8 typeId);
    error AgencyRegistryInvalidOfficer(address officer);
    error AgencyRegistryOfficerExists(address officer);
    error AgencyRegistryUnknownOfficer(address officer);
    error AgencyRegistryOfficerNotActive(address officer);
    error AgencyRegistryNotAgencyAdmin(address account, uint32 agencyId);
    error AgencyRegistryInvalidCompromiseTime(address officer, uint40 since);
    error AgencyRegistryInvalidGovernance(address governance);
    error AgencyRegistryInvalidAdmin(address admin);
    error AgencyRegistryNotStatusAuthority(address account, uint32 agencyId);
    /// @dev the compromise time lies further back than an agency admin may declare on its own
    error AgencyRegistryCompromiseBeyondWindow(address officer, uint40 since, uint40 earliest);
    error AgencyRegistryInvalidCompromiseWindow(uint40 window);
    /// @dev the officer key did not sign (or no longer may sign) its consent to join the agency
    error AgencyRegistryInvalidConsent(address officer);
    error AgencyRegistryConsentExpired(address officer, uint256 deadline);
    /// @dev the agency already has MAX_ACTIVE_OFFICERS active officers: remove one first
    error AgencyRegistryTooManyOfficers(uint32 agencyId);

    event CertificateTypeDefined(uint8 indexed typeId, bytes32 schemaHash, address indexed by);
    event AgencyRegistered(
        uint32 indexed agencyId,
        uint32 jurisdiction,
        bytes32 metadataHash,
        uint128 certificateTypes,
        address indexed admin,
        address indexed by
    );
    event AgencyStatusChanged(
        uint32 indexed agencyId,
        AgencyStatus from,
        AgencyStatus to,
        address indexed by
    );
    event AgencyCertificateTypesChanged(
        uint32 indexed agencyId,
        uint128 certificateTypes,
        address indexed by
    );
    event AgencyMetadataChanged(uint32 indexed agencyId, bytes32 metadataHash, address indexed by);
    event OfficerAdded(uint32 indexed agencyId, address indexed officer, address indexed by);
    event OfficerRemoved(uint32 indexed agencyId, address indexed officer, address indexed by);
    event OfficerCompromised(
        uint32 indexed agencyId,
        address indexed officer,
        uint40 since,
        address indexed by
    );

    /// @notice Role of the platform authority: registers agencies and types, may act in emergencies.
    /// It is AccessControl's DEFAULT_ADMIN_ROLE (zero), held by one account at a time and moved in two
    /// steps after a delay (OpenZeppelin AccessControlDefaultAdminRules): a multisig or a timelock
    /// takes it with `beginDefaultAdminTransfer` then `acceptDefaultAdminTransfer`.
    function GOVERNANCE_ROLE() external view returns (bytes32);

    /// @notice How far back (seconds) an agency admin may declare one of its keys compromised;
    /// earlier times need governance. Fixed at deployment.
    function compromiseWindow() external view returns (uint40);

    /// @notice The most active officers one agency may have at a time. A change of the agency's status
    /// or types rewrites each active officer's authorisation word, so their number is bounded.
    function MAX_ACTIVE_OFFICERS() external view returns (uint256);

    /// @notice The AccessControl role of one agency's admins (its role admin is GOVERNANCE_ROLE):
    /// `keccak256(abi.encode("certledger.agency.admin", agencyId))`.
    function agencyAdminRole(uint32 agencyId) external pure returns (bytes32);

    /// @notice Defines certificate type `typeId` (0..127) by the hash of its published schema.
    function defineCertificateType(uint8 typeId, bytes32 schemaHash) external;

    /// @notice Registers an active agency with its jurisdiction (six-digit GB/T 2260 code),
    /// the hash of its off-chain metadata, its first admin and the types it may issue.
    function registerAgency(
        uint32 agencyId,
        uint32 jurisdiction,
        bytes32 metadataHash,
        address admin,
        uint128 certificateTypes
    ) external;

    /// @notice Moves an agency between Active and Suspended, or to Retired (final).
    function setAgencyStatus(uint32 agencyId, AgencyStatus status) external;

    /// @notice Replaces the set of certificate types an agency may issue from now on.
    function setAgencyCertificateTypes(uint32 agencyId, uint128 certificateTypes) external;

    /// @notice Replaces the hash of an agency's off-chain metadata (name, address, contact).
    function setAgencyMetadata(uint32 agencyId, bytes32 metadataHash) external;

    /// @notice Adds an officer key to an agency; only that agency's admins or governance, and only
    /// with the key's own consent: `signature` is its EIP-712 signature of
    /// `OfficerConsent(agencyId, officer, deadline)`, valid until `deadline` (unix seconds).
    function addOfficer(
        uint32 agencyId,
        address officer,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Removes an officer key: it can no longer anchor or change statuses; its batches stand.
    function removeOfficer(address officer) external;

    /// @notice Declares an officer key compromised since `since` (<= now, >= the key's registration):
    /// its batches anchored at or after `since` fail verification, and governance may undo the status
    /// changes it made since. An agency admin may go back at most `compromiseWindow()`; earlier needs
    /// governance. The time can only move earlier; the key is removed too.
    function declareOfficerCompromised(address officer, uint40 since) external;

    /// @notice The agency record, its metadata hash included.
    function agency(uint32 agencyId) external view returns (Agency memory record, bytes32 metadataHash);

    /// @notice The officer record of `officer` (status None when unknown).
    function officer(address account) external view returns (Officer memory);

    /// @notice The schema hash of a defined certificate type (zero when undefined).
    function certificateType(uint8 typeId) external view returns (bytes32);

    /// @notice The set of defined certificate types: bit `t` set when type `t` is defined.
    function definedCertificateTypes() external view returns (uint128);
}
