import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { EnvSchema, EXTERNAL_CHAIN_VARIABLES, SIGNER_VARIABLES, type Env, type EnvVariable } from "./envSchema.ts";
import type { LogLevel, TrustProxy } from "./parsers.ts";
import { Secret } from "./secret.ts";

export { Secret } from "./secret.ts";
export type { LogLevel, TrustProxy } from "./parsers.ts";

export const CONFIG_DEFAULTS = Object.freeze({
  PORT: 3000,
  HOST: "127.0.0.1",
  DATA_DIR: "./data",
  LOG_LEVEL: "info",
  CONFIRMATIONS: 1,
  CHAIN_READ_TIMEOUT_MS: 2000,
  // about 2.7 KB an entry (a parsed ten-field document and its offline checks): some 55 MB at most
  VERIFICATION_CACHE_ENTRIES: 20_000,
  BATCH_SIZE: 1000,
  BATCH_MAX_AGE_MS: 1000,
  LOCAL_CHAIN_PORT: 8545,
  TRUST_PROXY: false,
  RATE_LIMIT_PER_MINUTE: 600,
  SERVICE_NAME_ZH: "certledger 证照核验服务",
  SERVICE_NAME_EN: "certledger certificate service",
  // A batch of 10,000 items must fit. Measured on the shipped types: an item is 1.0-1.4 KB of
  // JSON with every field at its maximum length (diploma, driving licence, qualification), ~2-3 KB
  // for a business licence or food permit with a few hundred characters of business scope; 32 MiB
  // holds 10,000 items of up to 3.3 KB. Only their 2,000-character free-text fields filled to the
  // brim (7.5 KB an item) need more: raise BODY_LIMIT or split the batch (413 says so).
  BODY_LIMIT: 32 * 1024 ** 2,
  // the e-business-licence code's five minutes
  PRESENTATION_TTL_SECONDS: 300,
  USAGE_TRACE_RETENTION_DAYS: 180,
});

export type ChainConfig =
  | {
      /** No chain variables set: the service starts and owns a persistent local anvil. */
      readonly mode: "embedded";
      readonly localChainPort: number;
    }
  | {
      readonly mode: "external";
      readonly rpcUrl: string;
      readonly ledgerAddress: string;
      readonly registryAddress: string;
      readonly signers: SignerSources;
      /** Where event scans start; undefined means from block 0. */
      readonly deploymentBlock: number | undefined;
    };

/** The officer keys of an external chain; at least one source is set. */
export interface SignerSources {
  /** a plaintext key in the environment */
  readonly key: Secret | null;
  /** an encrypted JSON keystore file, or a folder of them (one per officer) */
  readonly keystore: {
    readonly path: string;
    readonly passphrase: { readonly value: Secret } | { readonly file: string };
  } | null;
  /** a remote signer's JSON-RPC endpoint (eth_accounts, eth_signTransaction) */
  readonly remoteUrl: string | null;
  /**
   * the relayer mode: officers only sign EIP-712 messages (anchorBySig, changeStatusBySig) and this
   * key sends them; it pays gas and can forge nothing
   */
  readonly relayerKey: Secret | null;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute. */
  readonly dataDir: string;
  /** No trailing slash: verification links are `${publicUrl}/v/<id>?h=<leafHash>`. */
  readonly publicUrl: string;
  readonly logLevel: LogLevel;
  /** `DATABASE_URL`: the shared PostgreSQL store; null: SQLite in `dataDir` */
  readonly databaseUrl: Secret | null;
  readonly chain: ChainConfig;
  readonly anchoring: {
    readonly batchSize: number;
    readonly batchMaxAgeMs: number;
    readonly confirmations: number;
  };
  /** How long a verification or readiness read waits for the chain before answering UNAVAILABLE. */
  readonly chainReadTimeoutMs: number;
  /** How many stored certificates' offline checks are remembered for QR scans. */
  readonly verificationCacheEntries: number;
  readonly http: {
    readonly trustProxy: TrustProxy;
    /** Empty: CORS off. `["*"]`: any origin. */
    readonly corsOrigins: readonly string[];
    /** Per client address on public routes; authenticated routes and assets get ten times it; 0 turns every limit off. */
    readonly rateLimitPerMinute: number;
    readonly bodyLimitBytes: number;
  };
  readonly holder: {
    /** how long a holder's live presentation (QR and 8-digit code) may be used */
    readonly presentationTtlSeconds: number;
    /** how long usage traces are kept */
    readonly usageTraceRetentionDays: number;
  };
  /** Undefined: the service trusts its own deployment only. */
  readonly trustList: TrustListConfig | undefined;
  /** What this deployment is called in its descriptor and on its pages (`/.well-known/certledger.json`). */
  readonly serviceName: { readonly zh: string; readonly en: string };
}

/** A signed list of other deployments this service recognises, and the key it must be signed with. */
export interface TrustListConfig {
  /** Absolute path of the signed list. */
  readonly file: string;
  readonly signer: string;
}

export interface ConfigIssue {
  readonly variable: EnvVariable;
  readonly message: string;
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (environment variables or .env):\n${issues
        .map((issue) => `  ${issue.variable}: ${issue.message}`)
        .join("\n")}`,
    );
    this.name = "ConfigError";
    this.issues = Object.freeze([...issues]);
  }
}

export interface LoadConfigOptions {
  /** Base for a relative DATA_DIR and for the default `.env` location. Default: process.cwd(). */
  readonly cwd?: string;
  /** A `.env` file read under the environment (real variables win); false reads none. Default: `<cwd>/.env`. */
  readonly envFile?: string | false;
}

/**
 * Reads the configuration once, at start. Pure apart from reading the optional `.env` file:
 * `env` is not modified. Throws a ConfigError naming every bad variable, never echoing values
 * (an RPC URL may carry an API key).
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const envFile = options.envFile ?? resolve(cwd, ".env");
  const fromFile = envFile !== false && existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const merged: Record<string, string | undefined> = { ...fromFile, ...definedOnly(env) };

  const parsed = EnvSchema.safeParse(merged);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: issue.path[0] as EnvVariable, message: issue.message }));
  const isSet = (name: EnvVariable) => (merged[name]?.trim() ?? "") !== "";
  issues.push(...crossFieldIssues(isSet, parsed.success ? parsed.data : undefined));

  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  return buildConfig(parsed.data, cwd);
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function crossFieldIssues(isSet: (name: EnvVariable) => boolean, env: Env | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const present = [...EXTERNAL_CHAIN_VARIABLES, ...SIGNER_VARIABLES].filter(isSet);
  const hasSigner = SIGNER_VARIABLES.some(isSet);
  const external = EXTERNAL_CHAIN_VARIABLES.every(isSet) && hasSigner;
  if (present.length > 0 && !external) {
    const needs = `an external chain needs all of ${EXTERNAL_CHAIN_VARIABLES.join(", ")} and a signer (${SIGNER_VARIABLES.join(", ")}); set none of them for the embedded local chain`;
    const said = `${present.join(", ")} ${present.length === 1 ? "is" : "are"} set`;
    for (const missing of EXTERNAL_CHAIN_VARIABLES.filter((name) => !isSet(name))) {
      issues.push({ variable: missing, message: `is missing: ${said}, and ${needs}` });
    }
    if (!hasSigner)
      issues.push({
        variable: "SIGNER_KEY",
        message: `(or SIGNER_KEYSTORE or REMOTE_SIGNER_URL) is missing: ${said}, and ${needs}`,
      });
  }
  if (isSet("SIGNER_KEYSTORE") && isSet("SIGNER_KEYSTORE_PASSPHRASE") === isSet("SIGNER_KEYSTORE_PASSPHRASE_FILE")) {
    issues.push({
      variable: "SIGNER_KEYSTORE_PASSPHRASE",
      message: "set exactly one of SIGNER_KEYSTORE_PASSPHRASE and SIGNER_KEYSTORE_PASSPHRASE_FILE with SIGNER_KEYSTORE",
    });
  }
  if (!isSet("SIGNER_KEYSTORE") && (isSet("SIGNER_KEYSTORE_PASSPHRASE") || isSet("SIGNER_KEYSTORE_PASSPHRASE_FILE"))) {
    issues.push({
      variable: "SIGNER_KEYSTORE",
      message: "is missing: a keystore passphrase is set without a keystore",
    });
  }
  if (!external && isSet("RELAYER_KEY")) {
    issues.push({
      variable: "RELAYER_KEY",
      message:
        "is only used with an external chain and an officer signer (REMOTE_SIGNER_URL, SIGNER_KEYSTORE or SIGNER_KEY)",
    });
  }
  if (present.length === 0 && isSet("DEPLOYMENT_BLOCK")) {
    issues.push({
      variable: "DEPLOYMENT_BLOCK",
      message: "is only used with an external chain (CHAIN_RPC_URL and the rest); the embedded chain records its own",
    });
  }
  if (external && isSet("LOCAL_CHAIN_PORT")) {
    issues.push({
      variable: "LOCAL_CHAIN_PORT",
      message: "is only used by the embedded local chain, which does not start when CHAIN_RPC_URL is set",
    });
  }
  if (isSet("TRUST_LIST") !== isSet("TRUST_LIST_SIGNER")) {
    const missing = isSet("TRUST_LIST") ? "TRUST_LIST_SIGNER" : "TRUST_LIST";
    issues.push({
      variable: missing,
      message:
        "is missing: a trust list is only accepted with the signer address it must be signed by (set TRUST_LIST and TRUST_LIST_SIGNER together)",
    });
  }
  if (env === undefined) return issues;
  if (
    present.length === 0 &&
    (env.PORT ?? CONFIG_DEFAULTS.PORT) === (env.LOCAL_CHAIN_PORT ?? CONFIG_DEFAULTS.LOCAL_CHAIN_PORT)
  ) {
    issues.push({ variable: "LOCAL_CHAIN_PORT", message: "must differ from PORT" });
  }
  // Registry and ledger are one contract: both variables stay (the configuration keeps its shape) and
  // name the same address; another address would be a contract this release never deploys.
  if (
    env.LEDGER_ADDRESS !== undefined &&
    env.REGISTRY_ADDRESS !== undefined &&
    env.LEDGER_ADDRESS !== env.REGISTRY_ADDRESS
  ) {
    issues.push({
      variable: "REGISTRY_ADDRESS",
      message: "must equal LEDGER_ADDRESS (registry and ledger are one contract)",
    });
  }
  return issues;
}

function buildConfig(env: Env, cwd: string): Config {
  const port = env.PORT ?? CONFIG_DEFAULTS.PORT;
  const host = env.HOST ?? CONFIG_DEFAULTS.HOST;
  const chain: ChainConfig =
    env.CHAIN_RPC_URL !== undefined && env.LEDGER_ADDRESS !== undefined && env.REGISTRY_ADDRESS !== undefined
      ? {
          mode: "external",
          rpcUrl: env.CHAIN_RPC_URL,
          ledgerAddress: env.LEDGER_ADDRESS,
          registryAddress: env.REGISTRY_ADDRESS,
          signers: {
            key: env.SIGNER_KEY === undefined ? null : new Secret(env.SIGNER_KEY),
            keystore:
              env.SIGNER_KEYSTORE === undefined
                ? null
                : {
                    path: resolve(cwd, env.SIGNER_KEYSTORE),
                    passphrase:
                      env.SIGNER_KEYSTORE_PASSPHRASE !== undefined
                        ? { value: new Secret(env.SIGNER_KEYSTORE_PASSPHRASE) }
                        : { file: resolve(cwd, env.SIGNER_KEYSTORE_PASSPHRASE_FILE ?? "") },
                  },
            remoteUrl: env.REMOTE_SIGNER_URL ?? null,
            relayerKey: env.RELAYER_KEY === undefined ? null : new Secret(env.RELAYER_KEY),
          },
          deploymentBlock: env.DEPLOYMENT_BLOCK,
        }
      : { mode: "embedded", localChainPort: env.LOCAL_CHAIN_PORT ?? CONFIG_DEFAULTS.LOCAL_CHAIN_PORT };

  return deepFreeze({
    port,
    host,
    dataDir: resolve(cwd, env.DATA_DIR ?? CONFIG_DEFAULTS.DATA_DIR),
    publicUrl: env.PUBLIC_URL ?? `http://${hostForUrl(host)}:${port}`,
    logLevel: env.LOG_LEVEL ?? CONFIG_DEFAULTS.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL === undefined ? null : new Secret(env.DATABASE_URL),
    chain,
    anchoring: {
      batchSize: env.BATCH_SIZE ?? CONFIG_DEFAULTS.BATCH_SIZE,
      batchMaxAgeMs: env.BATCH_MAX_AGE_MS ?? CONFIG_DEFAULTS.BATCH_MAX_AGE_MS,
      confirmations: env.CONFIRMATIONS ?? CONFIG_DEFAULTS.CONFIRMATIONS,
    },
    chainReadTimeoutMs: env.CHAIN_READ_TIMEOUT_MS ?? CONFIG_DEFAULTS.CHAIN_READ_TIMEOUT_MS,
    verificationCacheEntries: env.VERIFICATION_CACHE_ENTRIES ?? CONFIG_DEFAULTS.VERIFICATION_CACHE_ENTRIES,
    http: {
      trustProxy: env.TRUST_PROXY ?? CONFIG_DEFAULTS.TRUST_PROXY,
      corsOrigins: env.CORS_ORIGINS ?? [],
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE ?? CONFIG_DEFAULTS.RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: env.BODY_LIMIT ?? CONFIG_DEFAULTS.BODY_LIMIT,
    },
    trustList:
      env.TRUST_LIST !== undefined && env.TRUST_LIST_SIGNER !== undefined
        ? { file: resolve(cwd, env.TRUST_LIST), signer: env.TRUST_LIST_SIGNER }
        : undefined,
    serviceName: {
      zh: env.SERVICE_NAME_ZH ?? CONFIG_DEFAULTS.SERVICE_NAME_ZH,
      en: env.SERVICE_NAME_EN ?? CONFIG_DEFAULTS.SERVICE_NAME_EN,
    },
    holder: {
      presentationTtlSeconds: env.PRESENTATION_TTL_SECONDS ?? CONFIG_DEFAULTS.PRESENTATION_TTL_SECONDS,
      usageTraceRetentionDays: env.USAGE_TRACE_RETENTION_DAYS ?? CONFIG_DEFAULTS.USAGE_TRACE_RETENTION_DAYS,
    },
  });
}

/** A wildcard bind address is not a place a browser can go: links then point at localhost. */
function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return isIP(host) === 6 ? `[${host}]` : host;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === "object" && child !== null && !(child instanceof Secret)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}
