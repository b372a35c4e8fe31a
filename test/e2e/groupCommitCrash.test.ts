import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { call } from "../../scripts/support/http.ts";
import { startServiceProcess, waitFor } from "../../scripts/support/serviceProcess.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { serviceOnTemporaryData } from "./support/service.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const WORKERS = 6;
const ITEMS = 40;
/** acknowledgements before the kill, which is sent the moment the last of them arrives */
const KILL_AFTER = 30;

const licences = (from: number) => Array.from({ length: ITEMS }, (_, i) => licenceRequest(from + i));

/**
 * Requests that arrive together share one commit (the group commit), and each is answered only
 * after it. Killed the moment an answer arrives, in the middle of that stream, the service must
 * still hold every certificate it answered 202 for; a client retrying with the same
 * Idempotency-Key then gets the same certificates, and a request it never got an answer for is
 * issued once. Requests of 40 certificates keep each commit a few milliseconds long, so an answer
 * sent before its commit was durable would be caught by the kill.
 */
describe("e2e: SIGKILL in the middle of group commits loses no acknowledged certificate", function () {
  this.timeout(240_000);
  const suite = serviceOnTemporaryData({ BATCH_MAX_AGE_MS: "300" });

  it("keeps every 202, and a retry with the same Idempotency-Key gets the same certificates", async () => {
    const crashed = await startServiceProcess(suite.env, ROOT, { direct: true });
    suite.service = crashed;
    const { apiKey } = JSON.parse(await readFile(join(suite.dataDir, "dev-credentials.json"), "utf8")) as {
      apiKey: string;
    };
    const bodies = new Map<string, { items: ReturnType<typeof licences> }>();
    const acknowledged = new Map<string, string[]>();
    const crash: { killed?: Promise<void> } = {};
    const issue = (url: string, key: string) =>
      call<{ items: { id: string }[] }>(url, "POST", "/api/v1/certificates/batch", {
        key: apiKey,
        body: bodies.get(key),
        headers: { "idempotency-key": key },
      });
    // each worker sends its next request as soon as the last is answered, until the service is gone
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      for (let n = 0; !crash.killed; n++) {
        const key = `crash-${w}-${n}`;
        bodies.set(key, { items: licences((w * 1_000 + n) * ITEMS) });
        const reply = await issue(crashed.url, key).catch(() => null);
        if (reply === null) return;
        expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
        acknowledged.set(
          key,
          reply.body.items.map((i) => i.id),
        );
        if (acknowledged.size === KILL_AFTER) crash.killed = crashed.kill();
      }
    });
    await Promise.all(workers);
    await crash.killed;
    const unanswered = [...bodies.keys()].filter((key) => !acknowledged.has(key));
    expect(unanswered.length, "requests were in flight when the service was killed").to.be.greaterThan(0);

    suite.service = await startServiceProcess(suite.env, ROOT, { direct: true });
    const url = suite.service.url;
    for (const [key, ids] of acknowledged) {
      for (const id of ids) {
        const stored = await call(url, "GET", `/api/v1/certificates/${id}`, { key: apiKey });
        expect(stored.status, `${id} of ${key} was acknowledged`).to.equal(200);
      }
      const retried = await issue(url, key);
      expect([retried.status, retried.headers.get("idempotent-replayed")], key).to.deep.equal([202, "true"]);
      expect(retried.body.items.map((i) => i.id)).to.deep.equal(ids);
    }
    for (const key of unanswered) expect((await issue(url, key)).status, key).to.equal(202);

    // one certificate per item, whether its request's first answer was lost or not, and all anchored
    const expected = bodies.size * ITEMS;
    const listed = await waitFor(
      "one anchored certificate per item",
      async () => {
        const all: { state: string }[] = [];
        let after: string | null = null;
        do {
          const page: { body: { items: { state: string }[]; next: string | null } } = await call(
            url,
            "GET",
            `/api/v1/certificates?limit=500${after ? `&after=${after}` : ""}`,
            { key: apiKey },
          );
          all.push(...page.body.items);
          after = page.body.next;
        } while (after);
        return all.length >= expected && all.every((i) => i.state === "anchored") ? all.length : undefined;
      },
      90_000,
      250,
    );
    expect(listed, "no request issued twice").to.equal(expected);
  });
});
