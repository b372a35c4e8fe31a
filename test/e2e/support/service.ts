import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { licenceRequest } from "../../../scripts/support/samples.ts";
import { call } from "../../../scripts/support/http.ts";
import {
  freePort,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from "../../../scripts/support/serviceProcess.ts";

const ROOT = new URL("../../..", import.meta.url).pathname;

export interface BrowserTestService {
  url: string;
  apiKey: string;
  auditorApiKey: string;
  agencyId: number;
  stop(): Promise<void>;
}

/**
 * The real service (`npm start`) on a temporary DATA_DIR and free ports, anchoring quickly, no
 * rate limit, PUBLIC_URL = its own address so its QR codes point back to it.
 */
export async function startBrowserTestService(): Promise<BrowserTestService> {
  const dataDir = await mkdtemp(join(tmpdir(), "certledger-browser-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let service: ServiceProcess;
  try {
    service = await startServiceProcess(
      {
        DATA_DIR: dataDir,
        PORT: String(port),
        LOCAL_CHAIN_PORT: String(await freePort()),
        PUBLIC_URL: url,
        BATCH_MAX_AGE_MS: "100",
        RATE_LIMIT_PER_MINUTE: "0",
      },
      ROOT,
    );
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const credentials = JSON.parse(await readFile(join(dataDir, "dev-credentials.json"), "utf8")) as {
    apiKey: string;
    agencyId: number;
    auditorApiKey: string;
  };
  return {
    url,
    ...credentials,
    async stop() {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What `serviceOnTemporaryData` gives a suite: its service's environment, and the service it runs. */
export interface TemporaryService {
  dataDir: string;
  env: Record<string, string>;
  /** set by the test; stopped after the suite */
  service: ServiceProcess | null;
}

/**
 * Mocha hooks for a suite that starts, kills and starts again the service itself: before, a
 * temporary DATA_DIR and free ports, no rate limit, `extra` on top; after, the service stopped and
 * the folder deleted.
 */
export function serviceOnTemporaryData(extra: Record<string, string> = {}): TemporaryService {
  const suite: TemporaryService = { dataDir: "", env: {}, service: null };
  before(async () => {
    suite.dataDir = await mkdtemp(join(tmpdir(), "certledger-e2e-"));
    suite.env = {
      DATA_DIR: suite.dataDir,
      PORT: String(await freePort()),
      LOCAL_CHAIN_PORT: String(await freePort()),
      RATE_LIMIT_PER_MINUTE: "0",
      ...extra,
    };
  });
  after(async () => {
    await suite.service?.stop();
    if (suite.dataDir) await rm(suite.dataDir, { recursive: true, force: true });
  });
  return suite;
}

/** Issues one business licence through the API and waits until it is anchored. */
export async function issueAnchoredLicence(
  service: BrowserTestService,
  n: number,
): Promise<{ id: string; verifyUrl: string }> {
  const ack = await call<{ id: string; verifyUrl: string }>(service.url, "POST", "/api/v1/certificates", {
    key: service.apiKey,
    body: licenceRequest(n),
  });
  if (ack.status !== 202) throw new Error(`issuance failed: ${ack.status} ${JSON.stringify(ack.body)}`);
  await waitForAnchored(service, ack.body.id);
  return ack.body;
}

export async function waitForAnchored(service: BrowserTestService, id: string): Promise<void> {
  await waitFor(
    `certificate ${id} to be anchored`,
    async () => {
      const r = await call<{ state: string }>(service.url, "GET", `/api/v1/certificates/${id}`, {
        key: service.apiKey,
      });
      return r.body.state === "anchored" ? true : undefined;
    },
    30_000,
    150,
  );
}

export async function fetchBinary(service: BrowserTestService, path: string): Promise<Buffer> {
  const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${service.apiKey}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
