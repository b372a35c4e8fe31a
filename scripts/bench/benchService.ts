import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServiceProcess, type ServiceProcess } from "../support/serviceProcess.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface BenchService {
  process: ServiceProcess;
  url: string;
  dataDir: string;
  /** the demo agency's officer key and the auditor key the first start printed */
  apiKey: string;
  auditorApiKey: string;
  /** stops the service (and its local chain); removes the data folder unless it was given */
  stop(): Promise<void>;
}

/**
 * The embedded default as a benchmark runs it: `npm start` on a data folder (a fresh temporary one
 * unless `dataDir` is given), rate limits off and quiet logs, so only the work being measured counts.
 * `direct` skips npm and its contract build step (what `npm start` runs after it), for timing the
 * service's own start.
 */
export async function startBenchService(
  options: { dataDir?: string; env?: Record<string, string>; readyPollMs?: number; direct?: boolean } = {},
): Promise<BenchService> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "certledger-bench-")));
  const owned = options.dataDir === undefined;
  const port = await freePort();
  let service: ServiceProcess;
  try {
    service = await startServiceProcess(
      {
        DATA_DIR: dataDir,
        PORT: String(port),
        LOCAL_CHAIN_PORT: String(await freePort()),
        RATE_LIMIT_PER_MINUTE: "0",
        LOG_LEVEL: "error",
        ...options.env,
      },
      ROOT,
      {
        ...(options.readyPollMs === undefined ? {} : { readyPollMs: options.readyPollMs }),
        ...(options.direct === undefined ? {} : { direct: options.direct }),
      },
    );
  } catch (error) {
    if (owned) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const credentials = JSON.parse(await readFile(join(dataDir, "dev-credentials.json"), "utf8")) as {
    apiKey: string;
    auditorApiKey: string;
  };
  return {
    process: service,
    url: service.url,
    dataDir,
    apiKey: credentials.apiKey,
    auditorApiKey: credentials.auditorApiKey,
    async stop() {
      await service.stop();
      if (owned) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
