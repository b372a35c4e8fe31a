import {
  CHECK_NAMES,
  type VerificationResult,
  type VerificationStatus,
} from "../../server/core/verification/result.ts";
import type { CertificateType } from "../../server/core/index.ts";
import type { DivisionName } from "../../server/i18n/index.ts";

export const CERT_ID = "01JD5X8ZK3QW4E5R6T7Y8V9W0X";
export const LEAF = `0x${"9f".repeat(32)}`;
export const PUBLIC_URL = "https://verify.example.gov.cn";

/** The check an engine would fail first for each status; undefined when all pass. */
const FAILED_CHECK: Readonly<Record<VerificationStatus, (typeof CHECK_NAMES)[number] | undefined>> = {
  VALID: undefined,
  MALFORMED: "format",
  TAMPERED: "integrity",
  NOT_ANCHORED: "anchored",
  WRONG_NETWORK: "network",
  ISSUER_UNAUTHORIZED: "issuer",
  REVOKED: "status",
  SUSPENDED: "status",
  EXPIRED: "validity",
  NOT_YET_VALID: "validity",
  UNKNOWN_CERTIFICATE: "anchored",
  UNAVAILABLE: "network",
  UNTRUSTED_LEDGER: "network",
  PRESENTATION_EXPIRED: "validity",
};

/** A plausible engine result for `status` about a fictitious business licence. */
export function resultFor(status: VerificationStatus): VerificationResult {
  const failed = FAILED_CHECK[status];
  const failedIndex = failed ? CHECK_NAMES.indexOf(failed) : CHECK_NAMES.length;
  const checks = CHECK_NAMES.slice(0, failedIndex + 1).map((name) => ({
    name,
    passed: name !== failed,
    detail: name === failed ? `${name} check failed` : `${name} ok`,
  }));
  const withCertificate = status !== "MALFORMED" && status !== "UNKNOWN_CERTIFICATE";
  return {
    valid: status === "VALID",
    status,
    checks,
    certificate: withCertificate
      ? {
          id: CERT_ID,
          type: "business-licence",
          issuer: { agencyId: 7, name: "Demo Market Regulation Bureau", jurisdiction: "110000" },
          subject: {
            companyName: "Example Trading Co., Ltd.",
            registeredCapital: 500000,
            foreignInvested: false,
            businessScope: ["wholesale", "retail"],
          },
          validFrom: "2025-01-01",
          validUntil: "2045-01-01",
          issuedAt: "2025-01-01T02:30:00Z",
          hiddenFields: ["subject.legalRepresentative"],
        }
      : null,
    anchor:
      status === "UNAVAILABLE" || status === "NOT_ANCHORED" || !withCertificate
        ? null
        : {
            chainId: 31337,
            ledger: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            root: `0x${"1a".repeat(32)}`,
            txHash: `0x${"2b".repeat(32)}`,
            blockNumber: 42,
            anchoredAt: "2025-01-01T02:30:05Z",
            agencyId: 7,
            jurisdiction: "110000",
            agencyStatus: "active",
          },
    ...(status === "REVOKED" || status === "SUSPENDED"
      ? {
          revocation: {
            state: status === "REVOKED" ? ("revoked" as const) : ("suspended" as const),
            scope: "certificate" as const,
            reason: status === "REVOKED" ? ("keyCompromise" as const) : ("certificateHold" as const),
            reasonCode: status === "REVOKED" ? 1 : 6,
            at: "2026-03-04T05:06:07Z",
            txHash: `0x${"3c".repeat(32)}`,
          },
        }
      : {}),
    warnings: [],
  };
}

export const TYPE_LABELS = {
  zh: {
    name: "营业执照",
    fields: {
      companyName: "名称",
      legalRepresentative: "法定代表人",
      registeredCapital: "注册资本",
      businessScope: "经营范围",
      foreignInvested: "外商投资",
    },
  },
  en: {
    name: "Business licence",
    fields: {
      companyName: "Company name",
      legalRepresentative: "Legal representative",
      registeredCapital: "Registered capital",
      businessScope: "Business scope",
      foreignInvested: "Foreign invested",
    },
  },
};

export const divisionName: DivisionName = (code, locale) =>
  code === "110000" ? (locale === "zh" ? "北京市" : "Beijing") : undefined;

/** A registry definition shaped like the shipped business licence, fixed here so tests do not drift with it. */
export const BUSINESS_LICENCE: CertificateType = {
  name: "business-licence",
  version: 1,
  typeId: 1,
  labels: { zh: "营业执照", en: "Business licence" },
  validUntilRequired: false,
  fields: [
    {
      name: "companyName",
      type: "string",
      maxLength: 100,
      required: true,
      disclosure: "public",
      labels: { zh: "名称", en: "Name" },
    },
    {
      name: "entityType",
      type: "enum",
      required: true,
      disclosure: "public",
      labels: { zh: "类型", en: "Type of entity" },
      options: [
        { value: "limited-liability-company", labels: { zh: "有限责任公司", en: "Limited liability company" } },
      ],
    },
    {
      name: "legalRepresentative",
      type: "string",
      maxLength: 50,
      required: true,
      disclosure: "public",
      labels: { zh: "法定代表人", en: "Legal representative" },
    },
    {
      name: "registeredCapital",
      type: "integer",
      minimum: 0,
      required: false,
      disclosure: "public",
      labels: { zh: "注册资本", en: "Registered capital" },
      unit: { zh: "元", en: "CNY" },
    },
    {
      name: "establishmentDate",
      type: "date",
      required: true,
      disclosure: "public",
      labels: { zh: "成立日期", en: "Date of establishment" },
    },
    {
      name: "registrationAuthority",
      type: "jurisdiction",
      required: false,
      disclosure: "public",
      labels: { zh: "登记地", en: "Registered in" },
    },
  ],
};
