import type { CertificateType } from "../registry/definition.ts";
import { maskKindOf } from "../registry/definition.ts";
import type { VerificationResult, VerifiedCertificate } from "../verification/result.ts";
import { maskValue } from "./mask.ts";

/**
 * The certificate as the public page behind the printed QR code may show it: public fields as
 * issued, masked ones shortened, private ones left out (named in `disclosure.withheld`). A field
 * the type does not know is private. The verdict is not touched: it was reached on the whole
 * certificate.
 */
export function publicView(certificate: VerifiedCertificate, type: CertificateType | undefined): VerifiedCertificate {
  const fields = new Map(type?.fields.map((field) => [field.name, field]) ?? []);
  const subject: Record<string, unknown> = {};
  const masked: string[] = [];
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(certificate.subject)) {
    const field = fields.get(name);
    const kind = field ? maskKindOf(field) : undefined;
    if (field?.disclosure === "public") subject[name] = value;
    else if (field?.disclosure === "masked" && kind !== undefined) {
      subject[name] = maskValue(kind, value);
      masked.push(name);
    } else withheld.push(name);
  }
  return { ...certificate, subject, disclosure: { view: "public", masked, withheld } };
}

/** The certificate as a live presentation shows it: exactly the subject fields the holder chose, in full. */
export function presentedView(certificate: VerifiedCertificate, chosen: readonly string[]): VerifiedCertificate {
  const keep = new Set(chosen);
  const subject: Record<string, unknown> = {};
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(certificate.subject)) {
    if (keep.has(name)) subject[name] = value;
    else withheld.push(name);
  }
  return { ...certificate, subject, disclosure: { view: "presentation", masked: [], withheld } };
}

/** The same result with its certificate replaced by the given view of it. */
export function withView(
  result: VerificationResult,
  view: (certificate: VerifiedCertificate) => VerifiedCertificate,
): VerificationResult {
  return result.certificate ? { ...result, certificate: view(result.certificate) } : result;
}
