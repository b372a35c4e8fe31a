import { unknownCertificateResult } from "../../core/verification/engine.ts";
import { TrustAnchors, describeDeployment, type TrustedDeployment } from "../../core/trust/deployments.ts";
import type { Check, VerificationResult } from "../../core/verification/result.ts";
import type { TrustPolicy } from "../../core/verification/trust.ts";
import { offlineOutcome, verifyOutcome, type VerifyDeps } from "../../core/verification/verifyDocument.ts";
import { DEFAULT_FETCH_LIMITS, fetchJson, RemoteFetchError, type FetchLimits, type Resolve } from "./remoteFetch.ts";

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const LEAF_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** A QR link `BASE/v/<id>?h=<certificate hash>`, where BASE is an origin and maybe a path prefix. */
export interface VerificationLink {
  origin: string;
  base: string;
  id: string;
  leaf: string;
}

/** The link's parts, or null for anything that is not a certledger verification link. */
export function parseVerificationLink(text: string): VerificationLink | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username !== "" || url.password !== "") return null;
  const [, prefix = "", id = ""] = /^(.*)\/v\/([^/]+)$/.exec(url.pathname) ?? [];
  const leaf = url.searchParams.get("h") ?? "";
  if (!ID_PATTERN.test(id) || !LEAF_PATTERN.test(leaf)) return null;
  return { origin: url.origin, base: `${url.origin}${prefix}`, id, leaf: leaf.toLowerCase() };
}

export type LinkOutcome =
  | { kind: "own"; link: VerificationLink }
  | { kind: "unrecognised"; origin: string }
  | { kind: "verified"; result: VerificationResult; deployment: TrustedDeployment };

export interface LinkVerifierDeps extends Omit<VerifyDeps, "trust"> {
  /** the service's trust policy: its ledger views (the chain breaker included) */
  trust: TrustPolicy;
  /** the trust list's deployments as they stand now */
  listed: () => readonly TrustedDeployment[];
  /** origins whose links are this service's own (its PUBLIC_URL) */
  ownOrigins: ReadonlySet<string>;
  limits?: FetchLimits;
  resolve?: Resolve;
  now?: () => Date;
}

const failure = (status: VerificationResult["status"], check: Check): VerificationResult => ({
  valid: false,
  status,
  checks: [check],
  certificate: null,
  anchor: null,
  warnings: [],
});

/**
 * Verification of another deployment's QR link: only an origin of the signed trust list is
 * contacted; the certificate is fetched from it and verified here, against the chain and ledger
 * the list names for that origin, never on that service's word. That service failing to answer
 * is UNAVAILABLE, never a verdict on the certificate.
 */
export class LinkVerifier {
  readonly #deps: LinkVerifierDeps;

  constructor(deps: LinkVerifierDeps) {
    this.#deps = deps;
  }

  async verify(link: VerificationLink): Promise<LinkOutcome> {
    if (this.#deps.ownOrigins.has(link.origin)) return { kind: "own", link };
    const deployment = TrustAnchors.of(this.#deps.listed()).findByOrigin(link.origin);
    if (!deployment) return { kind: "unrecognised", origin: link.origin };
    const result = await this.#verifyRemote(link, deployment);
    const name = deployment.name ?? { zh: link.origin, en: link.origin };
    return {
      kind: "verified",
      deployment,
      result: { ...result, issuingService: { name: { zh: name.zh, en: name.en }, origin: link.origin } },
    };
  }

  /**
   * The list names a registry as well as a ledger. The ledger is its own registry (one contract
   * holds the agencies, their jurisdictions and officers, and the batches), so an entry naming
   * another registry pairs a ledger with agencies it never consults: no deployment the list recognises.
   */
  #registryMismatch(deployment: TrustedDeployment): VerificationResult | null {
    if (!deployment.registry || deployment.registry.toLowerCase() === deployment.ledger.toLowerCase()) return null;
    return failure("UNTRUSTED_LEDGER", {
      name: "network",
      passed: false,
      detail: `${describeDeployment(deployment)} is its own registry, not the registry ${deployment.registry} the trust list names: it is not the deployment the list recognises.`,
    });
  }

  async #verifyRemote(link: VerificationLink, deployment: TrustedDeployment): Promise<VerificationResult> {
    const url = new URL(`${link.base}/v/${link.id}/document`);
    url.searchParams.set("h", link.leaf);
    let answer: { status: number; body: unknown };
    try {
      answer = await fetchJson(url, this.#deps.limits ?? DEFAULT_FETCH_LIMITS, this.#deps.resolve);
    } catch (error) {
      const detail = error instanceof RemoteFetchError ? error.message : String(error);
      return failure("UNAVAILABLE", {
        name: "network",
        passed: false,
        detail: `the issuing service ${link.origin} gave no usable answer (${detail}); nothing is said about the certificate`,
      });
    }
    if (answer.status === 404) return unknownCertificateResult(link.id);
    if (answer.status === 409) {
      return failure("NOT_ANCHORED", {
        name: "anchored",
        passed: false,
        detail: "the issuing service has not anchored the certificate yet; try again in a few seconds",
      });
    }
    if (answer.status !== 200) {
      return failure("UNAVAILABLE", {
        name: "network",
        passed: false,
        detail: `the issuing service ${link.origin} answered ${answer.status}; nothing is said about the certificate`,
      });
    }
    const offline = offlineOutcome(answer.body, this.#deps);
    if (!offline.failure && (offline.certificate?.id !== link.id || offline.proof?.leaf.toLowerCase() !== link.leaf)) {
      const check: Check = {
        name: "integrity",
        passed: false,
        detail: `${link.origin} sent a certificate other than the one the link names`,
      };
      return { ...failure("TAMPERED", check), checks: [...offline.checks, check] };
    }
    const registryMismatch = this.#registryMismatch(deployment);
    if (registryMismatch) return registryMismatch;
    // Pinned to the deployment the list names for this origin: a document it serves that is
    // anchored anywhere else (a look-alike ledger) is UNTRUSTED_LEDGER.
    const pinned: TrustPolicy = {
      anchors: TrustAnchors.of([deployment]),
      ledgerFor: (trusted) => this.#deps.trust.ledgerFor(trusted),
    };
    const result = await verifyOutcome(offline, pinned, { now: (this.#deps.now ?? (() => new Date()))() });
    return result.status === "UNTRUSTED_LEDGER"
      ? {
          ...result,
          checks: result.checks.map((check) =>
            check.name === "network" && !check.passed
              ? {
                  ...check,
                  detail: `${check.detail} The trust list names ${describeDeployment(deployment)} for ${link.origin}.`,
                }
              : check,
          ),
        }
      : result;
  }
}
