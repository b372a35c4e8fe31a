import type { HolderStore } from "../../store/holderPort.ts";
import { groupedSecret, newHolderSecret, normalizeHolderSecret, sameHash, sha256Hex } from "./secrets.ts";

/** What the issuing officer is shown once and prints on the holder's copy. */
export interface HolderLink {
  /** the secret, grouped by four for reading and typing */
  code: string;
  /** `PUBLIC_URL/h/<id>#<secret>`: the secret in the fragment never reaches a server log */
  url: string;
}

/** A holder secret just made: the link its holder is given, and the only form of it that is stored. */
export interface NewHolderSecret {
  link: HolderLink;
  secretHash: string;
}

export interface HolderAccessDeps {
  holderStore: HolderStore;
  publicUrl: string;
  now: () => Date;
  /** the CSPRNG for secrets (default: node:crypto's randomBytes) */
  randomBytes?: (size: number) => Uint8Array;
}

export const holderPagePath = (certificateId: string): string => `/h/${certificateId}`;

/** Holder secrets: made at issuance, replaced by an officer, switched off by the holder. */
export class HolderAccess {
  readonly #deps: HolderAccessDeps;

  constructor(deps: HolderAccessDeps) {
    this.#deps = deps;
  }

  #link(certificateId: string, secret: string): HolderLink {
    const base = this.#deps.publicUrl.replace(/\/+$/, "");
    return { code: groupedSecret(secret), url: `${base}${holderPagePath(certificateId)}#${secret}` };
  }

  /**
   * A new secret for a certificate, not yet stored: the link to show, and the hash to store (at
   * issuance, with the certificate itself, in its transaction).
   */
  newSecret(certificateId: string): NewHolderSecret {
    const secret = newHolderSecret(this.#deps.randomBytes);
    return { link: this.#link(certificateId, secret), secretHash: sha256Hex(secret) };
  }

  /** New secrets for the certificates, replacing any earlier ones (which stop working). */
  async grant(certificateIds: readonly string[]): Promise<Map<string, HolderLink>> {
    const createdAt = this.#deps.now().toISOString();
    const links = new Map<string, HolderLink>();
    const records = certificateIds.map((certificateId) => {
      const { link, secretHash } = this.newSecret(certificateId);
      links.set(certificateId, link);
      return { certificateId, secretHash, createdAt, revokedAt: null };
    });
    await this.#deps.holderStore.putHolderAccess(records);
    return links;
  }

  /** A new link for one certificate (the holder lost theirs): the old one and its live codes stop working. */
  async replace(certificateId: string): Promise<HolderLink> {
    const links = await this.grant([certificateId]);
    await this.#deps.holderStore.withdrawPresentations(certificateId, this.#deps.now().toISOString());
    const link = links.get(certificateId);
    if (!link) throw new Error("unreachable: a link was granted");
    return link;
  }

  /** Whether `presented` is the live secret of the certificate. */
  async check(certificateId: string, presented: string): Promise<boolean> {
    const secret = normalizeHolderSecret(presented);
    const access = await this.#deps.holderStore.getHolderAccess(certificateId);
    if (secret === null || !access || access.revokedAt !== null) return false;
    return sameHash(sha256Hex(secret), access.secretHash);
  }

  /** Switches the holder link off and withdraws its live presentations. */
  async revoke(certificateId: string): Promise<void> {
    const at = this.#deps.now().toISOString();
    await this.#deps.holderStore.revokeHolderAccess(certificateId, at);
    await this.#deps.holderStore.withdrawPresentations(certificateId, at);
  }
}
