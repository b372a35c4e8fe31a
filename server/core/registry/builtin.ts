import businessLicence from "../typeDefinitions/business-licence.json" with { type: "json" };
import diploma from "../typeDefinitions/diploma.json" with { type: "json" };
import drivingLicence from "../typeDefinitions/driving-licence.json" with { type: "json" };
import foodBusinessPermit from "../typeDefinitions/food-business-permit.json" with { type: "json" };
import professionalQualification from "../typeDefinitions/professional-qualification.json" with { type: "json" };
import { CertificateTypeRegistry } from "./registry.ts";

/** The definitions shipped in `server/core/typeDefinitions/` (JSON, so the browser bundle can carry them too). */
export const BUILTIN_TYPE_DEFINITIONS: readonly unknown[] = [
  businessLicence,
  foodBusinessPermit,
  professionalQualification,
  diploma,
  drivingLicence,
];

export function builtinTypes(): CertificateTypeRegistry {
  return CertificateTypeRegistry.fromDefinitions(BUILTIN_TYPE_DEFINITIONS);
}
