import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { expect } from "chai";
import { ConfigError, loadConfig, type Config } from "../../server/config/loadConfig.ts";

// Dev-only: anvil's first default account key, public knowledge, never a real secret.
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const LEDGER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
// Registry and ledger are one contract: the two variables name one address.
const REGISTRY = LEDGER;
const EXTERNAL = {
  CHAIN_RPC_URL: "https://rpc.example.org/v1",
  LEDGER_ADDRESS: LEDGER,
  REGISTRY_ADDRESS: REGISTRY,
  SIGNER_KEY: DEV_KEY,
};

const CWD = "/srv/certledger";

function load(env: NodeJS.ProcessEnv): Config {
  return loadConfig(env, { cwd: CWD, envFile: false });
}

function issuesOf(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    load(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.code).to.equal("CONFIG_INVALID");
    return Object.fromEntries(configError.issues.map((issue) => [issue.variable, issue.message]));
  }
  expect.fail("loadConfig accepted an invalid environment");
}

describe("loadConfig", () => {
  it("gives the embedded defaults for an empty environment", () => {
    const config = load({});
    expect(config).to.deep.equal({
      port: 3000,
      host: "127.0.0.1",
      dataDir: "/srv/certledger/data",
      publicUrl: "http://127.0.0.1:3000",
      logLevel: "info",
      databaseUrl: null,
      chain: { mode: "embedded", localChainPort: 8545 },
      anchoring: { batchSize: 1000, batchMaxAgeMs: 1000, confirmations: 1 },
      chainReadTimeoutMs: 2000,
      verificationCacheEntries: 20000,
      http: { trustProxy: false, corsOrigins: [], rateLimitPerMinute: 600, bodyLimitBytes: 32 * 1024 * 1024 },
      trustList: undefined,
      serviceName: { zh: "certledger 证照核验服务", en: "certledger certificate service" },
      holder: { presentationTtlSeconds: 300, usageTraceRetentionDays: 180 },
    });
  });

  it("returns a deeply frozen object", () => {
    const config = load({});
    expect(Object.isFrozen(config)).to.be.true;
    expect(Object.isFrozen(config.chain)).to.be.true;
    expect(Object.isFrozen(config.http.corsOrigins)).to.be.true;
  });

  it("ignores unrelated variables and treats blank values as unset", () => {
    const config = load({ PATH: "/usr/bin", PORT: "", HOST: "  ", CHAIN_RPC_URL: "" });
    expect(config.port).to.equal(3000);
    expect(config.host).to.equal("127.0.0.1");
    expect(config.chain.mode).to.equal("embedded");
  });

  it("parses every variable it is given", () => {
    const config = load({
      ...EXTERNAL,
      PORT: "8080",
      HOST: "0.0.0.0",
      DATA_DIR: "/var/lib/certledger",
      PUBLIC_URL: "https://verify.agency.example/certs/",
      LOG_LEVEL: "debug",
      DEPLOYMENT_BLOCK: "123456",
      CONFIRMATIONS: "3",
      BATCH_SIZE: "100000",
      BATCH_MAX_AGE_MS: "250",
      TRUST_PROXY: "loopback, 10.0.0.0/8",
      CORS_ORIGINS: "https://a.example,http://localhost:5173",
      RATE_LIMIT_PER_MINUTE: "0",
      BODY_LIMIT: "2mb",
      PRESENTATION_TTL_SECONDS: "120",
      USAGE_TRACE_RETENTION_DAYS: "30",
      VERIFICATION_CACHE_ENTRIES: "0",
    });
    expect(config.port).to.equal(8080);
    expect(config.dataDir).to.equal("/var/lib/certledger");
    expect(config.publicUrl).to.equal("https://verify.agency.example/certs");
    expect(config.logLevel).to.equal("debug");
    expect(config.anchoring).to.deep.equal({ batchSize: 100000, batchMaxAgeMs: 250, confirmations: 3 });
    expect(config.http).to.deep.equal({
      trustProxy: ["loopback", "10.0.0.0/8"],
      corsOrigins: ["https://a.example", "http://localhost:5173"],
      rateLimitPerMinute: 0,
      bodyLimitBytes: 2 * 1024 * 1024,
    });
    expect(config.holder).to.deep.equal({ presentationTtlSeconds: 120, usageTraceRetentionDays: 30 });
    expect(config.verificationCacheEntries).to.equal(0);
    if (config.chain.mode !== "external") expect.fail("expected the external mode");
    expect(config.chain.rpcUrl).to.equal("https://rpc.example.org/v1");
    expect(config.chain.ledgerAddress).to.equal(LEDGER);
    expect(config.chain.deploymentBlock).to.equal(123456);
    expect(config.chain.signers.key?.reveal()).to.equal(DEV_KEY);
  });

  it("normalises addresses to their checksum form and keys to 0x lowercase", () => {
    const config = load({
      ...EXTERNAL,
      LEDGER_ADDRESS: LEDGER.toLowerCase(),
      SIGNER_KEY: DEV_KEY.slice(2).toUpperCase(),
    });
    if (config.chain.mode !== "external") expect.fail("expected the external mode");
    expect(config.chain.ledgerAddress).to.equal(LEDGER);
    expect(config.chain.signers.key?.reveal()).to.equal(DEV_KEY);
  });

  it("never prints the signer key, whether logged, stringified or inspected", () => {
    const config = load(EXTERNAL);
    const secretHex = DEV_KEY.slice(2);
    expect(JSON.stringify(config)).not.to.include(secretHex);
    expect(inspect(config, { depth: 10 })).not.to.include(secretHex);
    if (config.chain.mode !== "external") expect.fail("expected the external mode");
    expect(String(config.chain.signers.key)).not.to.include(secretHex);
  });

  it("derives PUBLIC_URL from HOST and PORT, pointing wildcard binds at localhost", () => {
    expect(load({ HOST: "0.0.0.0", PORT: "4000" }).publicUrl).to.equal("http://localhost:4000");
    expect(load({ HOST: "::1", PORT: "4000" }).publicUrl).to.equal("http://[::1]:4000");
    expect(load({ HOST: "certs.internal" }).publicUrl).to.equal("http://certs.internal:3000");
  });

  it("resolves a relative DATA_DIR against the working directory", () => {
    expect(load({ DATA_DIR: "state/here" }).dataDir).to.equal("/srv/certledger/state/here");
  });

  const badValues: [string, string, RegExp][] = [
    ["PORT", "0", /whole number from 1 to 65535/],
    ["PORT", "80a", /whole number/],
    ["PORT", "70000", /whole number from 1 to 65535/],
    ["HOST", "not a host!", /IP address or a host name/],
    ["PUBLIC_URL", "verify.example", /absolute http\(s\) URL/],
    ["PUBLIC_URL", "ftp://verify.example", /http or https/],
    ["PUBLIC_URL", "https://verify.example/?a=1", /no query/],
    ["LOG_LEVEL", "verbose", /one of fatal, error, warn, info, debug, trace, silent/],
    ["CONFIRMATIONS", "0", /from 1 to 100/],
    ["BATCH_SIZE", "100001", /from 1 to 100000/],
    ["BATCH_SIZE", "-5", /whole number/],
    ["BATCH_MAX_AGE_MS", "1.5", /whole number/],
    ["LOCAL_CHAIN_PORT", "99999", /from 1 to 65535/],
    ["TRUST_PROXY", "yes please", /hop count/],
    ["CORS_ORIGINS", "https://a.example/path", /origins/],
    ["RATE_LIMIT_PER_MINUTE", "lots", /whole number/],
    ["BODY_LIMIT", "16gb", /size such as/],
    ["BODY_LIMIT", "10", /size such as/],
  ];
  for (const [variable, value, pattern] of badValues) {
    it(`refuses ${variable}=${value} with a message naming it`, () => {
      const issues = issuesOf({ [variable]: value });
      expect(Object.keys(issues)).to.deep.equal([variable]);
      expect(issues[variable]).to.match(pattern);
    });
  }

  it("reports every bad variable at once, in one readable message", () => {
    let message = "";
    try {
      load({ PORT: "x", LOG_LEVEL: "loud", BATCH_SIZE: "0" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^Invalid configuration/);
    expect(message).to.include("  PORT: ");
    expect(message).to.include("  LOG_LEVEL: ");
    expect(message).to.include("  BATCH_SIZE: ");
  });

  it("refuses a partial external chain configuration, naming what is missing", () => {
    const issues = issuesOf({ CHAIN_RPC_URL: EXTERNAL.CHAIN_RPC_URL, SIGNER_KEY: DEV_KEY });
    expect(Object.keys(issues).sort()).to.deep.equal(["LEDGER_ADDRESS", "REGISTRY_ADDRESS"]);
    expect(issues.LEDGER_ADDRESS).to.match(/CHAIN_RPC_URL, SIGNER_KEY are set/);
  });

  it("selects PostgreSQL with DATABASE_URL, never echoing it, and refuses other URLs without echoing them", () => {
    const url = "postgres://certledger:s3cret-pw@db.internal:5432/certledger";
    const config = load({ DATABASE_URL: url });
    expect(config.databaseUrl?.reveal()).to.equal(url);
    expect(JSON.stringify(config)).not.to.include("s3cret-pw");
    expect(inspect(config, { depth: 5 })).not.to.include("s3cret-pw");
    const issues = issuesOf({ DATABASE_URL: "mysql://u:hunter2@db/x" });
    expect(issues.DATABASE_URL).to.match(/postgres:\/\//);
    expect(issues.DATABASE_URL).not.to.include("hunter2");
    expect(issuesOf({ DATABASE_URL: "postgres://db.internal:5432" }).DATABASE_URL).to.match(/naming a database/);
  });

  it("takes officer keys from a keystore or a remote signer instead of SIGNER_KEY", () => {
    const chain = { CHAIN_RPC_URL: EXTERNAL.CHAIN_RPC_URL, LEDGER_ADDRESS: LEDGER, REGISTRY_ADDRESS: REGISTRY };
    const keystore = load({
      ...chain,
      SIGNER_KEYSTORE: "keys/officer.json",
      SIGNER_KEYSTORE_PASSPHRASE_FILE: "/run/secrets/pass",
    });
    expect(keystore.chain.mode === "external" && keystore.chain.signers).to.deep.equal({
      key: null,
      keystore: { path: "/srv/certledger/keys/officer.json", passphrase: { file: "/run/secrets/pass" } },
      remoteUrl: null,
      relayerKey: null,
    });
    const withPassphrase = load({ ...chain, SIGNER_KEYSTORE: "/k", SIGNER_KEYSTORE_PASSPHRASE: "correct horse" });
    expect(JSON.stringify(withPassphrase)).not.to.include("correct horse");
    const remote = load({ ...chain, REMOTE_SIGNER_URL: "http://127.0.0.1:9000" });
    expect(remote.chain.mode === "external" && remote.chain.signers.remoteUrl).to.equal("http://127.0.0.1:9000/");
  });

  it("takes a relayer key only with an external chain and never shows it", () => {
    const chain = { CHAIN_RPC_URL: EXTERNAL.CHAIN_RPC_URL, LEDGER_ADDRESS: LEDGER, REGISTRY_ADDRESS: REGISTRY };
    const relayerKey = `0x${"ab".repeat(32)}`;
    const relayed = load({ ...chain, REMOTE_SIGNER_URL: "http://127.0.0.1:9000", RELAYER_KEY: relayerKey });
    expect(relayed.chain.mode === "external" && relayed.chain.signers.relayerKey?.reveal()).to.equal(relayerKey);
    expect(JSON.stringify(relayed)).not.to.include("ab".repeat(32));
    expect(() => load({ RELAYER_KEY: relayerKey })).to.throw(/RELAYER_KEY/);
  });

  it("refuses an external chain without a signer, and a keystore without exactly one passphrase source", () => {
    const chain = { CHAIN_RPC_URL: EXTERNAL.CHAIN_RPC_URL, LEDGER_ADDRESS: LEDGER, REGISTRY_ADDRESS: REGISTRY };
    expect(issuesOf(chain).SIGNER_KEY).to.match(/SIGNER_KEYSTORE or REMOTE_SIGNER_URL/);
    expect(issuesOf({ ...chain, SIGNER_KEYSTORE: "/k" }).SIGNER_KEYSTORE_PASSPHRASE).to.match(/exactly one/);
    expect(
      issuesOf({
        ...chain,
        SIGNER_KEYSTORE: "/k",
        SIGNER_KEYSTORE_PASSPHRASE: "a",
        SIGNER_KEYSTORE_PASSPHRASE_FILE: "/p",
      }).SIGNER_KEYSTORE_PASSPHRASE,
    ).to.match(/exactly one/);
    expect(issuesOf({ SIGNER_KEYSTORE_PASSPHRASE: "a" }).SIGNER_KEYSTORE).to.match(/without a keystore/);
  });

  it("refuses bad chain values without echoing them", () => {
    const secretUrl = "wss://rpc.example/API-KEY-123";
    const badKey = `0x${"0".repeat(64)}`;
    let message = "";
    try {
      load({
        ...EXTERNAL,
        CHAIN_RPC_URL: secretUrl,
        LEDGER_ADDRESS: "0x1234",
        REGISTRY_ADDRESS: LEDGER.replace("F", "f"),
        SIGNER_KEY: badKey,
      });
    } catch (error) {
      const configError = error as ConfigError;
      expect(configError.issues.map((issue) => issue.variable).sort()).to.deep.equal([
        "CHAIN_RPC_URL",
        "LEDGER_ADDRESS",
        "REGISTRY_ADDRESS",
        "SIGNER_KEY",
      ]);
      message = configError.message;
    }
    expect(message).to.include("SIGNER_KEY: must be a 32-byte hex secp256k1 private key");
    expect(message).to.include("checksum");
    expect(message).not.to.include("API-KEY-123");
    expect(message).not.to.include(badKey);
  });

  it("refuses settings that belong to the other chain mode", () => {
    expect(issuesOf({ DEPLOYMENT_BLOCK: "5" })).to.have.keys(["DEPLOYMENT_BLOCK"]);
    expect(issuesOf({ ...EXTERNAL, LOCAL_CHAIN_PORT: "8546" })).to.have.keys(["LOCAL_CHAIN_PORT"]);
  });

  it("refuses the same port for the service and the embedded chain", () => {
    expect(issuesOf({ PORT: "8545" }).LOCAL_CHAIN_PORT).to.match(/differ from PORT/);
    expect(load({ ...EXTERNAL, PORT: "8545" }).port).to.equal(8545);
  });

  it("refuses a registry address other than the ledger's (they are one contract)", () => {
    const other = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    expect(issuesOf({ ...EXTERNAL, REGISTRY_ADDRESS: other }).REGISTRY_ADDRESS).to.match(/must equal LEDGER_ADDRESS/);
    expect(load(EXTERNAL).chain).to.not.equal(undefined);
  });

  describe("with a .env file", () => {
    let dir = "";
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "certledger-config-"));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("reads it, with real environment variables taking precedence", () => {
      writeFileSync(join(dir, ".env"), "PORT=4100\nLOG_LEVEL=warn\n# a comment\nBATCH_SIZE=50\n");
      const env: NodeJS.ProcessEnv = { PORT: "4200" };
      const config = loadConfig(env, { cwd: dir });
      expect(config.port).to.equal(4200);
      expect(config.logLevel).to.equal("warn");
      expect(config.anchoring.batchSize).to.equal(50);
      expect(config.dataDir).to.equal(join(dir, "data"));
      expect(env).to.deep.equal({ PORT: "4200" });
    });

    it("reports bad values from the file like any other", () => {
      const file = join(dir, "custom.env");
      writeFileSync(file, "CONFIRMATIONS=none\n");
      expect(() => loadConfig({}, { cwd: dir, envFile: file })).to.throw(ConfigError, /CONFIRMATIONS/);
    });

    it("starts without one", () => {
      expect(loadConfig({}, { cwd: dir }).port).to.equal(3000);
    });
  });
});
