import type { DeploymentName } from "../core/trust/deployments.ts";
import { DOCUMENT_VERSION } from "../core/document/model.ts";
import type { Store } from "../store/port.ts";

/** The format tag of a deployment descriptor (`GET /.well-known/certledger.json`). */
export const DESCRIPTOR_FORMAT = "certledger-deployment/1";

/** Where the descriptor is served: RFC 8615 well-known URI. */
export const DESCRIPTOR_PATH = "/.well-known/certledger.json";

/**
 * A deployment describing itself, as a trust-list operator needs it to write the deployment's
 * entry and as another service needs it to fetch certificates from it. It is a claim, not a
 * credential: verifiers trust only what a signed trust list says (the descriptor is unsigned).
 */
export interface DeploymentDescriptor {
  format: typeof DESCRIPTOR_FORMAT;
  name: DeploymentName;
  publicUrl: string;
  chainId: number;
  registry: string;
  ledger: string;
  deploymentBlock: number;
  agencies: { agencyId: number; name: { zh: string; en?: string }; jurisdiction: string }[];
  documentFormats: string[];
  endpoints: { verify: string; publicDocument: string; verifyLink: string };
}

export interface DescriptorSource {
  name: DeploymentName;
  publicUrl: string;
  chainId: number;
  deployment: { registry: string; ledger: string; deploymentBlock: number };
  store: Pick<Store, "listAgencies">;
}

/** The descriptor as it stands: agencies are read each time, so one added by the admin CLI appears. */
export async function buildDescriptor(source: DescriptorSource): Promise<DeploymentDescriptor> {
  const agencies = await source.store.listAgencies();
  return {
    format: DESCRIPTOR_FORMAT,
    name: { zh: source.name.zh, en: source.name.en },
    publicUrl: source.publicUrl,
    chainId: source.chainId,
    registry: source.deployment.registry,
    ledger: source.deployment.ledger,
    deploymentBlock: source.deployment.deploymentBlock,
    agencies: agencies
      .map((agency) => ({
        agencyId: agency.agencyId,
        name: agency.nameEn === null ? { zh: agency.name } : { zh: agency.name, en: agency.nameEn },
        jurisdiction: agency.jurisdiction,
      }))
      .sort((a, b) => a.agencyId - b.agencyId),
    documentFormats: [DOCUMENT_VERSION],
    endpoints: {
      verify: `${source.publicUrl}/v/{id}?h={leafHash}`,
      publicDocument: `${source.publicUrl}/v/{id}/document?h={leafHash}`,
      verifyLink: `${source.publicUrl}/api/v1/verify-link`,
    },
  };
}
