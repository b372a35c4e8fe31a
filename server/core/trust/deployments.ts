/** Names in the two languages the pages speak. */
export interface DeploymentName {
  zh: string;
  en: string;
}

/**
 * A certledger deployment a verifier recognises: where its ledger lives and, for people and for
 * services that fetch certificates from one another, what it is called and where it is served.
 */
export interface TrustedDeployment {
  chainId: number;
  /** checksummed addresses */
  ledger: string;
  registry?: string;
  name?: DeploymentName;
  /** public origins of the deployment's service, e.g. https://cert.example.gov.cn */
  origins?: readonly string[];
}

const keyOf = (chainId: number, ledger: string): string => `${chainId}:${ledger.toLowerCase()}`;

/** The deployments a verifier trusts, looked up by chain id and ledger address together. */
export class TrustAnchors {
  readonly #byKey: ReadonlyMap<string, TrustedDeployment>;
  /** every entry: regional services sharing one ledger are several entries with one key */
  readonly #all: readonly TrustedDeployment[];

  private constructor(deployments: readonly TrustedDeployment[]) {
    this.#all = [...deployments];
    const byKey = new Map<string, TrustedDeployment>();
    for (const deployment of deployments) byKey.set(keyOf(deployment.chainId, deployment.ledger), deployment);
    this.#byKey = byKey;
  }

  static of(deployments: readonly TrustedDeployment[]): TrustAnchors {
    return new TrustAnchors(deployments);
  }

  /** The trusted deployment whose ledger is `ledger` on chain `chainId`; a ledger trusted on one chain is not trusted on another. */
  find(chainId: number, ledger: string): TrustedDeployment | undefined {
    return this.#byKey.get(keyOf(chainId, ledger));
  }

  /** The deployment served at `origin` (scheme, host and port), the only one a link of that origin may come from. */
  findByOrigin(origin: string): TrustedDeployment | undefined {
    return this.#all.find((deployment) => deployment.origins?.includes(origin));
  }

  list(): TrustedDeployment[] {
    return [...this.#byKey.values()];
  }

  get size(): number {
    return this.#byKey.size;
  }
}

/** One line naming a deployment for messages: its English name when known, its ledger and chain. */
export function describeDeployment(deployment: Pick<TrustedDeployment, "chainId" | "ledger" | "name">): string {
  const name = deployment.name ? `${deployment.name.en} (` : "";
  return `${name}ledger ${deployment.ledger} on chain ${deployment.chainId}${deployment.name ? ")" : ""}`;
}
