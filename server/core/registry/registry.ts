import canonicalize from "canonicalize";
import { CoreError } from "../errors.ts";
import { toHex32 } from "../hashing/keccak.ts";
import type { Keccak256 } from "../hashing/keccak.ts";
import { certificateTypeSchema } from "./definition.ts";
import type { CertificateType } from "./definition.ts";

/** The certificate types a service or verifier knows, by name and by on-chain type id. */
export class CertificateTypeRegistry {
  readonly #byName: ReadonlyMap<string, CertificateType>;
  readonly #byTypeId: ReadonlyMap<number, CertificateType>;

  private constructor(types: readonly CertificateType[]) {
    const byName = new Map<string, CertificateType>();
    const byTypeId = new Map<number, CertificateType>();
    for (const type of types) {
      if (byName.has(type.name)) {
        throw new CoreError("INVALID_TYPE_DEFINITION", `certificate type ${type.name} is defined twice`);
      }
      if (byTypeId.has(type.typeId)) {
        throw new CoreError("INVALID_TYPE_DEFINITION", `type id ${type.typeId} is used twice`);
      }
      byName.set(type.name, type);
      byTypeId.set(type.typeId, type);
    }
    this.#byName = byName;
    this.#byTypeId = byTypeId;
  }

  /** Validates each definition (throws INVALID_TYPE_DEFINITION naming the first bad one). */
  static fromDefinitions(definitions: readonly unknown[]): CertificateTypeRegistry {
    const types = definitions.map((definition, index) => {
      const parsed = certificateTypeSchema.safeParse(definition);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue === undefined ? "" : `${issue.path.join(".")}: ${issue.message}`;
        throw new CoreError("INVALID_TYPE_DEFINITION", `type definition ${index} is invalid: ${where}`, {
          cause: parsed.error,
        });
      }
      return parsed.data;
    });
    return new CertificateTypeRegistry(types);
  }

  find(name: string): CertificateType | undefined {
    return this.#byName.get(name);
  }

  /** The type called `name`; throws UNKNOWN_CERTIFICATE_TYPE. */
  get(name: string): CertificateType {
    const type = this.#byName.get(name);
    if (type === undefined) throw new CoreError("UNKNOWN_CERTIFICATE_TYPE", `unknown certificate type ${name}`);
    return type;
  }

  byTypeId(typeId: number): CertificateType | undefined {
    return this.#byTypeId.get(typeId);
  }

  list(): CertificateType[] {
    return [...this.#byName.values()];
  }
}

/**
 * keccak256 of the RFC 8785 canonical JSON of a type definition: the agency registry contract
 * records it per type id, so anyone can tell which definition a type id stands for.
 */
export function schemaHash(type: CertificateType, keccak: Keccak256): string {
  const json = canonicalize(type);
  if (json === undefined) throw new CoreError("INVALID_TYPE_DEFINITION", `type ${type.name} has no JSON form`);
  return toHex32(keccak.digest(json));
}
