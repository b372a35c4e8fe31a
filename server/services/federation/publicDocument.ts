import { disclose } from "../../core/document/disclose.ts";
import type { CertificateDocument } from "../../core/document/model.ts";
import type { Keccak256 } from "../../core/hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import type { CertificateRecord } from "../../store/records.ts";

/**
 * What another deployment may fetch of a certificate with its QR link (id and certificate hash):
 * the anchored document with its public fields shown and every other subject field hidden (its
 * hash kept, so it still verifies). It carries no more than the public page shows, minus the
 * masked shortenings, which cannot be checked by anyone without the full value.
 */
export function publicDocument(
  record: CertificateRecord,
  deps: { types: CertificateTypeRegistry; keccak: Keccak256 },
): CertificateDocument {
  const document = record.document as unknown as CertificateDocument;
  const type = deps.types.find(record.type);
  const shown = new Set(Object.keys(document.subject));
  const keep = (type?.fields ?? [])
    .filter((field) => field.disclosure === "public" && shown.has(field.name))
    .map((field) => `subject.${field.name}`);
  return disclose(document, keep, deps.keccak);
}
