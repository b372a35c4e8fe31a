import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import type { TrustListConfig } from "../config/loadConfig.ts";
import { verifyTrustList, type VerifiedTrustList } from "../core/trust/trustList.ts";

/** Thrown when the configured trust list cannot be used: the service does not start. */
export class TrustListFileError extends Error {
  readonly code = "TRUST_LIST_REFUSED";
}

/**
 * The configured trust list, checked against the pinned signer and the clock. Any doubt (file
 * unreadable, not JSON, malformed, signed by another key, altered, outside its validity) refuses
 * the start with a message naming the file and the problem.
 */
export async function loadTrustListFile(
  config: TrustListConfig,
  options: { now: Date; logger?: Logger },
): Promise<VerifiedTrustList> {
  let file: unknown;
  try {
    file = JSON.parse(await readFile(config.file, "utf8")) as unknown;
  } catch (error) {
    throw new TrustListFileError(`TRUST_LIST ${config.file} cannot be read as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let verified: VerifiedTrustList;
  try {
    verified = verifyTrustList(file, { signer: config.signer, now: options.now });
  } catch (error) {
    throw new TrustListFileError(`TRUST_LIST ${config.file} is refused: ${(error as Error).message}`, { cause: error });
  }
  options.logger?.info(
    { deployments: verified.deployments.length, expiresAt: verified.expiresAt, signer: verified.signer },
    "trust list loaded",
  );
  return verified;
}
