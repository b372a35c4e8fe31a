import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { armCrashPoint, CrashHookRefused } from "../../server/anchoring/crashPoints.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The crash hook kills the service on purpose: it must never be armed outside tests. */
describe("the crash-window test hook (CERTLEDGER_CRASH_AT)", () => {
  it("is refused unless NODE_ENV=test, and for an unknown point", () => {
    expect(() => {
      armCrashPoint({ CERTLEDGER_CRASH_AT: "anchor:signed" });
    }).to.throw(CrashHookRefused, /NODE_ENV=test/);
    expect(() => {
      armCrashPoint({ CERTLEDGER_CRASH_AT: "anchor:signed", NODE_ENV: "production" });
    }).to.throw(CrashHookRefused);
    expect(() => {
      armCrashPoint({ CERTLEDGER_CRASH_AT: "everywhere", NODE_ENV: "test" });
    }).to.throw(CrashHookRefused, /one of/);
    expect(() => {
      armCrashPoint({ CERTLEDGER_CRASH_AT: "" });
    }).to.not.throw();
  });

  it("stops the service from starting, before it touches anything, when set outside tests", function () {
    this.timeout(60_000);
    const run = spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        CERTLEDGER_CRASH_AT: "status:receipt",
        NODE_ENV: "production",
        DATA_DIR: "/nonexistent/certledger-must-not-be-created",
      },
      encoding: "utf8",
      timeout: 50_000,
    });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include("CERTLEDGER_CRASH_AT is a test hook");
  });
});
