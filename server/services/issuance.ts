import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { CertificateDocument } from "../core/document/model.ts";
import { createDocuments } from "../core/document/create.ts";
import { CertificateValidationError, type FieldIssue } from "../core/errors.ts";
import type { Keccak256 } from "../core/hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../core/registry/registry.ts";
import type { Jurisdictions } from "../core/validation/jurisdictions.ts";
import { firstUnsafeCharacter } from "../core/validation/unsafeText.ts";
import { verificationUrl } from "../qr/index.ts";
import type { Store } from "../store/port.ts";
import type { ApiKeyRecord, NewCertificate } from "../store/records.ts";
import type { HolderAccess, HolderLink } from "./holder/holderAccess.ts";

/** What an officer sends for one certificate; the issuer comes from the officer's agency. */
export interface IssueRequest {
  type: string;
  subject: Record<string, string | number | boolean>;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
  supersedes?: string | undefined;
}

export interface IssueAck {
  id: string;
  state: "pending";
  leafHash: string;
  verifyUrl: string;
  qr: { png: string; svg: string };
}

export interface IssueOutcome {
  /** true when the Idempotency-Key was seen before with the same request: nothing new was issued */
  replayed: boolean;
  acks: IssueAck[];
  /**
   * each new certificate's holder link, shown to the officer in this answer only; none when
   * replayed (the secrets were never stored, so an officer who lost the first answer asks for new links)
   */
  holderLinks: ReadonlyMap<string, HolderLink>;
}

/** One invalid item of a request, by its position. */
export interface ItemIssues {
  index: number;
  issues: readonly FieldIssue[];
}

export class IssuanceError extends Error {
  readonly code: "INVALID_CERTIFICATE" | "IDEMPOTENCY_KEY_REUSED" | "UNKNOWN_AGENCY" | "SUPERSEDES_NOT_FOUND";
  readonly items: ItemIssues[];

  constructor(code: IssuanceError["code"], message: string, items: ItemIssues[] = []) {
    super(message);
    this.name = "IssuanceError";
    this.code = code;
    this.items = items;
  }
}

export interface IssuanceDeps {
  store: Store;
  /** makes each certificate's holder secret, stored with the certificate */
  holderAccess: Pick<HolderAccess, "newSecret">;
  types: CertificateTypeRegistry;
  keccak: Keccak256;
  /** the divisions issuers' and subjects' codes are checked against (default: the shipped list) */
  jurisdictions?: Jurisdictions;
  publicUrl: string;
  clock?: () => Date;
  /** told after each durable insert, so the batcher need not wait for its next poll */
  onIssued?: (count: number) => void;
  /** the CSPRNG for ids and salts (default: node:crypto's randomBytes) */
  randomBytes?: (size: number) => Uint8Array;
}

/** Every text an officer sent, by the field path an error names. */
function* texts(request: IssueRequest): Generator<[string, string]> {
  yield ["type", request.type];
  for (const [name, value] of Object.entries(request.subject)) {
    yield [`subject.${name}`, name];
    if (typeof value === "string") yield [`subject.${name}`, value];
  }
  for (const name of ["validFrom", "validUntil", "supersedes"] as const) {
    const value = request[name];
    if (value !== undefined) yield [name, value];
  }
}

/** Control, invisible and bidirectional characters would let a value look like another on screen. */
function refuseUnsafeText(requests: readonly IssueRequest[]): void {
  const items: ItemIssues[] = [];
  requests.forEach((request, index) => {
    const issues: FieldIssue[] = [];
    for (const [path, text] of texts(request)) {
      const found = firstUnsafeCharacter(text);
      if (found !== null && !issues.some((i) => i.path === path)) {
        issues.push({
          path,
          code: "INVALID_CHARACTER",
          message: `contains ${found}, a control, invisible or bidirectional character`,
        });
      }
    }
    if (issues.length > 0) items.push({ index, issues });
  });
  if (items.length > 0) {
    throw new IssuanceError(
      "INVALID_CERTIFICATE",
      requests.length === 1
        ? "The certificate is not valid"
        : `${items.length} of ${requests.length} certificates are not valid; none was issued`,
      items,
    );
  }
}

const requestHash = (body: unknown): string =>
  createHash("sha256")
    .update(canonicalize(body) ?? "")
    .digest("hex");

/**
 * Turns officers' requests into salted, hashed documents, each with its holder secret, and stores
 * them durably (pending) before anyone is told "accepted"; the batcher anchors them later.
 */
export class IssuanceService {
  readonly #deps: IssuanceDeps;

  constructor(deps: IssuanceDeps) {
    this.#deps = deps;
  }

  async issue(
    key: ApiKeyRecord,
    requests: readonly IssueRequest[],
    idempotencyKey: string | null,
  ): Promise<IssueOutcome> {
    const { store } = this.#deps;
    // first: nothing below (request hash, canonical JSON, hashing) can take a lone surrogate
    refuseUnsafeText(requests);
    const hash = idempotencyKey === null ? null : requestHash(requests);
    if (idempotencyKey !== null) {
      const seen = await store.getIdempotency(key.id, idempotencyKey);
      if (seen) {
        if (seen.requestHash !== hash) {
          throw new IssuanceError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different request");
        }
        return { replayed: true, acks: seen.response as IssueAck[], holderLinks: new Map() };
      }
    }
    if (key.agencyId === null) throw new IssuanceError("UNKNOWN_AGENCY", "This key belongs to no agency");
    const agency = await store.getAgency(key.agencyId);
    if (!agency) throw new IssuanceError("UNKNOWN_AGENCY", `Agency ${key.agencyId} is not served here`);

    const now = (this.#deps.clock ?? (() => new Date()))();
    const inputs = requests.map((r) => ({
      type: r.type,
      issuer: { agencyId: agency.agencyId, name: agency.name, jurisdiction: agency.jurisdiction },
      subject: r.subject,
      validFrom: r.validFrom ?? now.toISOString(),
      ...(r.validUntil === undefined ? {} : { validUntil: r.validUntil }),
      ...(r.supersedes === undefined ? {} : { supersedes: r.supersedes }),
    }));
    await this.#checkSupersedes(agency.agencyId, requests);
    const created = this.#create(inputs, now);

    const holderLinks = new Map<string, HolderLink>();
    const records: NewCertificate[] = created.documents.map((document, i) => {
      const { link, secretHash } = this.#deps.holderAccess.newSecret(document.id);
      holderLinks.set(document.id, link);
      return {
        id: document.id,
        agencyId: agency.agencyId,
        type: document.type,
        typeId: this.#deps.types.get(document.type).typeId,
        leaf: created.leaves[i] ?? "",
        document: document as unknown as Record<string, unknown>,
        supersedes: document.supersedes ?? null,
        issuedByKey: key.id,
        createdAt: now.toISOString(),
        holderSecretHash: secretHash,
      };
    });
    const acks = records.map((r) => this.ack(r.id, r.leaf));
    await store.insertCertificates(
      records,
      idempotencyKey !== null && hash !== null
        ? { apiKeyId: key.id, key: idempotencyKey, requestHash: hash, response: acks, createdAt: now.toISOString() }
        : undefined,
    );
    this.#deps.onIssued?.(records.length);
    return { replayed: false, acks, holderLinks };
  }

  ack(id: string, leaf: string): IssueAck {
    const base = this.#deps.publicUrl.replace(/\/+$/, "");
    return {
      id,
      state: "pending",
      leafHash: leaf,
      verifyUrl: verificationUrl(this.#deps.publicUrl, id, leaf),
      qr: { png: `${base}/api/v1/certificates/${id}/qr.png`, svg: `${base}/api/v1/certificates/${id}/qr.svg` },
    };
  }

  /** All items or none; on failure every invalid item is reported, not only the first. */
  #create(inputs: readonly unknown[], now: Date): { documents: CertificateDocument[]; leaves: string[] } {
    const { types, keccak, jurisdictions, randomBytes } = this.#deps;
    const options = {
      types,
      keccak,
      now: () => now,
      ...(jurisdictions ? { jurisdictions } : {}),
      ...(randomBytes ? { randomBytes } : {}),
    };
    try {
      return createDocuments(inputs, options);
    } catch (error) {
      if (!(error instanceof CertificateValidationError)) throw error;
      const items: ItemIssues[] = [];
      inputs.forEach((input, index) => {
        try {
          createDocuments([input], options);
        } catch (itemError) {
          if (itemError instanceof CertificateValidationError) items.push({ index, issues: itemError.issues });
          else throw itemError;
        }
      });
      const message =
        items.length === 1 && inputs.length === 1
          ? "The certificate is not valid"
          : `${items.length} of ${inputs.length} certificates are not valid; none was issued`;
      throw new IssuanceError("INVALID_CERTIFICATE", message, items);
    }
  }

  async #checkSupersedes(agencyId: number, requests: readonly IssueRequest[]): Promise<void> {
    const items: ItemIssues[] = [];
    for (const [index, r] of requests.entries()) {
      if (r.supersedes === undefined) continue;
      const earlier = await this.#deps.store.getCertificate(r.supersedes);
      if (earlier?.agencyId !== agencyId) {
        items.push({
          index,
          issues: [{ path: "supersedes", code: "INVALID_ID", message: "no certificate of this agency has that id" }],
        });
      }
    }
    if (items.length > 0)
      throw new IssuanceError("SUPERSEDES_NOT_FOUND", "A superseded certificate was not found", items);
  }
}
