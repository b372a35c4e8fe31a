import divisions from "../referenceData/admin-divisions.json" with { type: "json" };

export interface AdminDivision {
  code: string;
  zh: string;
  en: string;
}

/** Administrative divisions (GB/T 2260) by six-digit code. */
export class Jurisdictions {
  readonly #byCode: ReadonlyMap<string, AdminDivision>;

  constructor(list: readonly AdminDivision[]) {
    this.#byCode = new Map(list.map((division) => [division.code, division]));
  }

  has(code: string): boolean {
    return this.#byCode.has(code);
  }

  get(code: string): AdminDivision | undefined {
    return this.#byCode.get(code);
  }

  /** Whether the province of `code` (its first two digits) is known. */
  hasProvinceOf(code: string): boolean {
    return this.#byCode.has(code.slice(0, 2) + "0000");
  }
}

let builtin: Jurisdictions | undefined;

/**
 * The divisions shipped in `server/core/referenceData/admin-divisions.json`, indexed once: a
 * Jurisdictions cannot change, and document creation asks for it on every call that is not given
 * one (2.4 µs to index again, per issuance request before the runtime passed its own).
 */
export function builtinJurisdictions(): Jurisdictions {
  builtin ??= new Jurisdictions(divisions.divisions);
  return builtin;
}
