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

/** The divisions shipped in `server/core/referenceData/admin-divisions.json`. */
export function builtinJurisdictions(): Jurisdictions {
  return new Jurisdictions(divisions.divisions);
}
