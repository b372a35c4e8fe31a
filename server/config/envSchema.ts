import { z } from "zod";
import {
  blankToUndefined,
  byteSize,
  corsOrigins,
  databaseUrl,
  ethAddress,
  host,
  httpUrl,
  integer,
  logLevel,
  privateKey,
  publicUrl,
  trustProxy,
} from "./parsers.ts";

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}

/** Every variable the service reads; each is optional here, defaults are applied in `loadConfig`. */
export const EnvSchema = z.object({
  PORT: optional(integer(1, 65_535)),
  HOST: optional(host),
  DATA_DIR: optional(z.string()),
  PUBLIC_URL: optional(publicUrl),
  LOG_LEVEL: optional(logLevel),
  CHAIN_RPC_URL: optional(httpUrl("the JSON-RPC endpoint of the chain").transform((url) => url.href)),
  LEDGER_ADDRESS: optional(ethAddress),
  REGISTRY_ADDRESS: optional(ethAddress),
  SIGNER_KEY: optional(privateKey),
  SIGNER_KEYSTORE: optional(z.string()),
  SIGNER_KEYSTORE_PASSPHRASE: optional(z.string()),
  SIGNER_KEYSTORE_PASSPHRASE_FILE: optional(z.string()),
  REMOTE_SIGNER_URL: optional(httpUrl("the JSON-RPC endpoint of a remote signer").transform((url) => url.href)),
  RELAYER_KEY: optional(privateKey),
  DATABASE_URL: optional(databaseUrl),
  DEPLOYMENT_BLOCK: optional(integer(0, Number.MAX_SAFE_INTEGER)),
  CONFIRMATIONS: optional(integer(1, 100)),
  CHAIN_READ_TIMEOUT_MS: optional(integer(100, 60_000)),
  VERIFICATION_CACHE_ENTRIES: optional(integer(0, 10_000_000)),
  BATCH_SIZE: optional(integer(1, 100_000)),
  BATCH_MAX_AGE_MS: optional(integer(10, 600_000)),
  LOCAL_CHAIN_PORT: optional(integer(1, 65_535)),
  TRUST_PROXY: optional(trustProxy),
  CORS_ORIGINS: optional(corsOrigins),
  RATE_LIMIT_PER_MINUTE: optional(integer(0, 1_000_000)),
  BODY_LIMIT: optional(byteSize(1024, 100 * 1024 ** 2)),
  TRUST_LIST: optional(z.string()),
  TRUST_LIST_SIGNER: optional(ethAddress),
  SERVICE_NAME_ZH: optional(z.string().trim().min(1).max(200)),
  SERVICE_NAME_EN: optional(z.string().trim().min(1).max(200)),
  PRESENTATION_TTL_SECONDS: optional(integer(30, 3600)),
  USAGE_TRACE_RETENTION_DAYS: optional(integer(1, 3650)),
});

export type Env = z.output<typeof EnvSchema>;
export type EnvVariable = keyof z.input<typeof EnvSchema>;

export const ENV_VARIABLES = Object.keys(EnvSchema.shape) as readonly EnvVariable[];

/** The three variables that, all together and with a signer, select an external chain instead of the embedded one. */
export const EXTERNAL_CHAIN_VARIABLES = [
  "CHAIN_RPC_URL",
  "LEDGER_ADDRESS",
  "REGISTRY_ADDRESS",
] as const satisfies readonly EnvVariable[];

/** Where officer keys come from on an external chain: at least one of these. */
export const SIGNER_VARIABLES = [
  "SIGNER_KEY",
  "SIGNER_KEYSTORE",
  "REMOTE_SIGNER_URL",
] as const satisfies readonly EnvVariable[];
