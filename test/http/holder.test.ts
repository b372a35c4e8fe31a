import { expect } from "chai";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import type { VerificationResult } from "../../server/core/verification/result.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Issued {
  id: string;
  verifyUrl: string;
  holder: { code: string; url: string } | null;
}

interface Created {
  id: string;
  code: string;
  url: string;
  expiresAt: string;
  fields: string[];
  qrSvg: string;
}

describe("holder: masked public page, holder link, live presentations, usage traces", function () {
  this.timeout(120_000);
  let h: Harness;
  let offset = 0;
  const logLines: string[] = [];
  const shownSecrets: string[] = [];
  let nextClient = 1;
  /** a fresh client address for each test, so one test's guesses do not limit another's */
  const client = (): Record<string, string> => ({
    "x-forwarded-for": `10.1.${Math.floor(nextClient / 250)}.${(nextClient++ % 250) + 1}`,
  });
  const inputs = sampleInputs(777);
  const issued = new Map<string, Issued>();
  const holderHeader = (secret: string) => ({ authorization: `Holder ${secret}`, ...client() });
  const secretOf = (type: string): string => new URL(issued.get(type)!.holder!.url).hash.slice(1);
  const pathOf = (url: string): string => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };

  before(async () => {
    h = await startHarness({
      clock: () => new Date(Date.now() + offset),
      storeOnDisk: true,
      trustProxy: true,
      logLines,
    });
    const items = Object.values(inputs).map(({ type, subject, validFrom, validUntil }) => ({
      type,
      subject,
      validFrom,
      ...(validUntil ? { validUntil } : {}),
    }));
    const reply = await call<{ items: Issued[] }>(h.url, "POST", "/api/v1/certificates/batch", {
      key: h.agencies[0].issuerKey,
      body: { items },
    });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
    reply.body.items.forEach((item, i) => issued.set(items[i]!.type, item));
    await h.flush();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(() => {
    offset = 0;
  });

  const present = async (type: string, fields: string[]): Promise<Created> => {
    const reply = await call<Created>(h.url, "POST", `/api/v1/holder/${issued.get(type)!.id}/presentations`, {
      headers: holderHeader(secretOf(type)),
      body: { fields },
    });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
    shownSecrets.push(reply.body.code, new URL(reply.body.url).pathname.slice(3));
    return reply.body;
  };

  it("shows only public and masked values on the public page of every shipped type, in HTML and JSON", async () => {
    const types = builtinTypes();
    let masked = 0;
    let withheld = 0;
    for (const [name, input] of Object.entries(inputs)) {
      const type = types.get(name);
      const link = pathOf(issued.get(name)!.verifyUrl);
      const json = await call<VerificationResult>(h.url, "GET", link, { headers: client() });
      expect(json.body.status, name).to.equal("VALID");
      const pages = await Promise.all(
        (["zh", "en"] as const).map(
          async (lang) =>
            (
              await call<string>(h.url, "GET", `${link}&lang=${lang}`, {
                headers: { accept: "text/html", ...client() },
              })
            ).body,
        ),
      );
      const everything = [JSON.stringify(json.body), ...pages].join("\n");
      for (const field of type.fields) {
        const value = String(input.subject[field.name] ?? "");
        if (value === "" || field.disclosure === "public") continue;
        if (field.type === "enum" || value.length < 2) continue; // an enum value like "male" is no secret by itself
        // the same text may be public in another field (a sole trader's residence is also the business premises)
        if (type.fields.some((f) => f.disclosure === "public" && input.subject[f.name] === input.subject[field.name]))
          continue;
        // a short number (a score) also occurs inside hashes: for those the fields below are the test
        if (value.length >= 4)
          expect(everything, `${name}.${field.name} (${field.disclosure}) leaks`).to.not.include(value);
        if (field.disclosure === "masked") {
          masked++;
          expect(json.body.certificate?.subject[field.name], `${name}.${field.name}`)
            .to.be.a("string")
            .and.include("*");
        } else {
          withheld++;
          expect(json.body.certificate?.subject, `${name}.${field.name}`).to.not.have.property(field.name);
          expect(json.body.certificate?.disclosure?.withheld).to.include(field.name);
        }
      }
      for (const field of type.fields.filter(
        (f) => f.disclosure === "public" && typeof input.subject[f.name] === "string",
      )) {
        expect(json.body.certificate?.subject[field.name], `${name}.${field.name} is public`).to.equal(
          input.subject[field.name],
        );
      }
    }
    expect(masked).to.be.greaterThan(8);
    expect(withheld).to.be.greaterThan(4);
  });

  it("masks a driving licence the way people expect: id 110101********105X, name 孙*例, address to the district", async () => {
    const licence = inputs["driving-licence"]!.subject;
    const json = await call<VerificationResult>(h.url, "GET", pathOf(issued.get("driving-licence")!.verifyUrl), {
      headers: client(),
    });
    const subject = json.body.certificate!.subject;
    const id = String(licence.licenceNumber);
    expect(subject.licenceNumber).to.equal(`${id.slice(0, 6)}********${id.slice(14)}`);
    expect(subject.holderName).to.equal("孙*例");
    expect(subject.address).to.equal("北京市东城区****");
    expect(subject).to.not.have.property("dateOfBirth");
  });

  it("gives the officer a holder link once, with the secret in the fragment, and stores only its hash", async () => {
    const link = issued.get("driving-licence")!.holder!;
    const url = new URL(link.url);
    expect(url.pathname).to.equal(`/h/${issued.get("driving-licence")!.id}`);
    expect(url.hash).to.match(/^#[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(link.code.replace(/-/g, "")).to.equal(url.hash.slice(1));
    const dump =
      JSON.stringify(h.sql("SELECT * FROM holder_access")) + JSON.stringify(h.sql("SELECT response FROM idempotency"));
    expect(dump).to.not.include(url.hash.slice(1));
    const page = await call<string>(h.url, "GET", url.pathname, { headers: { accept: "text/html", ...client() } });
    expect(page.status).to.equal(200);
    expect(page.body).to.include("/static/js/holder.js");
  });

  it("shows the holder the whole certificate with its status", async () => {
    const reply = await call<{ result: VerificationResult; fields: string[] }>(
      h.url,
      "GET",
      `/api/v1/holder/${issued.get("driving-licence")!.id}`,
      {
        headers: holderHeader(secretOf("driving-licence")),
      },
    );
    expect(reply.status).to.equal(200);
    expect(reply.body.result.status).to.equal("VALID");
    expect(reply.body.result.certificate?.subject).to.deep.equal(inputs["driving-licence"]!.subject);
    expect(reply.body.fields).to.include.members(["licenceNumber", "holderName", "address"]);
    const fragment = await call<string>(
      h.url,
      "GET",
      `/api/v1/holder/${issued.get("driving-licence")!.id}?part=result&lang=zh`,
      {
        headers: { ...holderHeader(secretOf("driving-licence")), accept: "text/html" },
      },
    );
    expect(fragment.body).to.match(/^<div class="result__body" data-status="VALID"/);
    expect(fragment.body).to.include("北京市东城区示例胡同3号");
  });

  it("answers a wrong holder secret with 404, like an unknown certificate, and stops a client after a few", async () => {
    const id = issued.get("diploma")!.id;
    const from = client();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const wrong = `${"0".repeat(19)}${"0123456789ABCDEFGHJK"[i % 20]!}`;
      statuses.push(
        (await call(h.url, "GET", `/api/v1/holder/${id}`, { headers: { authorization: `Holder ${wrong}`, ...from } }))
          .status,
      );
    }
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(404));
    expect(statuses.slice(10)).to.deep.equal(Array(4).fill(429));
    // the right secret from that client waits too; from another client it works
    expect(
      (
        await call(h.url, "GET", `/api/v1/holder/${id}`, {
          headers: { authorization: `Holder ${secretOf("diploma")}`, ...from },
        })
      ).status,
    ).to.equal(429);
    expect(
      (await call(h.url, "GET", `/api/v1/holder/${id}`, { headers: holderHeader(secretOf("diploma")) })).status,
    ).to.equal(200);
    const unknown = await call(h.url, "GET", `/api/v1/holder/01JE00000000000000000000AB`, {
      headers: holderHeader(secretOf("diploma")),
    });
    expect(unknown.status).to.equal(404);
  });

  it("presents exactly the chosen fields, in full, by QR link and by 8-digit code, with the live window", async () => {
    const created = await present("driving-licence", ["holderName", "licenceNumber"]);
    expect(created.code).to.match(/^\d{8}$/);
    expect(new URL(created.url).pathname).to.match(/^\/p\/[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(created.expiresAt) - Date.now()).to.be.within(5 * MINUTE - 5000, 5 * MINUTE + 5000);
    for (const path of [pathOf(created.url), `/p/${created.code}`]) {
      const reply = await call<VerificationResult>(h.url, "GET", path, { headers: client() });
      expect(reply.status).to.equal(200);
      expect(reply.body.status).to.equal("VALID");
      const licence = inputs["driving-licence"]!.subject;
      expect(reply.body.certificate?.subject).to.deep.equal({
        holderName: licence.holderName,
        licenceNumber: licence.licenceNumber,
      });
      expect(reply.body.presentation?.fields).to.deep.equal(["holderName", "licenceNumber"]);
      expect(reply.body.checks.map((c) => c.name)).to.include.members(["merkleProof", "anchored", "status"]);
    }
    const page = await call<string>(h.url, "GET", `/p/${created.code}?lang=en`, {
      headers: { accept: "text/html", ...client() },
    });
    expect(page.body).to.match(/Presented live by the holder at \d\d:\d\d, valid until \d\d:\d\d/);
    expect(page.body).to.include(String(inputs["driving-licence"]!.subject.licenceNumber));
    expect(page.body).to.not.include(String(inputs["driving-licence"]!.subject.address));
  });

  it("still checks a presentation against the chain: a revoked certificate presents as REVOKED", async () => {
    const created = await present("professional-qualification", ["occupation"]);
    const revoked = await call(
      h.url,
      "POST",
      `/api/v1/certificates/${issued.get("professional-qualification")!.id}/revoke`,
      {
        key: h.agencies[0].issuerKey,
        body: { reason: "privilegeWithdrawn" },
      },
    );
    expect(revoked.status).to.equal(200);
    const reply = await call<VerificationResult>(h.url, "GET", `/p/${created.code}`, { headers: client() });
    expect(reply.body.status).to.equal("REVOKED");
  });

  it("gives PRESENTATION_EXPIRED five minutes later, and for a withdrawn code, without naming the certificate", async () => {
    const expiring = await present("driving-licence", ["vehicleClasses"]);
    offset = 5 * MINUTE - 1000;
    expect(
      (await call<VerificationResult>(h.url, "GET", `/p/${expiring.code}`, { headers: client() })).body.status,
    ).to.equal("VALID");
    offset = 5 * MINUTE;
    for (const path of [`/p/${expiring.code}`, pathOf(expiring.url)]) {
      const reply = await call<VerificationResult>(h.url, "GET", path, { headers: client() });
      expect(reply.status).to.equal(200);
      expect(reply.body.status).to.equal("PRESENTATION_EXPIRED");
      expect(reply.body.certificate).to.equal(null);
      expect(JSON.stringify(reply.body)).to.not.include(issued.get("driving-licence")!.id);
    }
    offset = 0;
    const withdrawn = await present("driving-licence", ["vehicleClasses"]);
    const del = await call(
      h.url,
      "DELETE",
      `/api/v1/holder/${issued.get("driving-licence")!.id}/presentations/${withdrawn.id}`,
      {
        headers: holderHeader(secretOf("driving-licence")),
      },
    );
    expect(del.status).to.equal(204);
    const reply = await call<VerificationResult>(h.url, "GET", `/p/${withdrawn.code}`, { headers: client() });
    expect(reply.body.status).to.equal("PRESENTATION_EXPIRED");
    expect(reply.body.presentation?.withdrawnAt).to.be.a("string");
  });

  it("lists exactly the verifications made, by channel, and none older than the retention period", async () => {
    const type = "food-business-permit";
    const id = issued.get(type)!.id;
    const tracesNow = async () =>
      (
        await call<{ retentionDays: number; items: Record<string, unknown>[] }>(
          h.url,
          "GET",
          `/api/v1/holder/${id}/traces`,
          { headers: holderHeader(secretOf(type)) },
        )
      ).body;
    const before = (await tracesNow()).items.length;
    await call(h.url, "GET", pathOf(issued.get(type)!.verifyUrl), { headers: client() });
    const created = await present(type, ["operatorName"]);
    await call(h.url, "GET", pathOf(created.url), { headers: client() });
    const document = await call(h.url, "GET", `/api/v1/certificates/${id}/document`, { key: h.agencies[0].issuerKey });
    await call(h.url, "POST", "/api/v1/verify", { body: document.body, headers: client() });
    offset = 3 * MINUTE;
    await call(h.url, "GET", `/p/${created.code}`, { headers: client() });
    const traces = await tracesNow();
    expect(traces.retentionDays).to.equal(180);
    expect(traces.items).to.have.length(before + 4);
    expect(traces.items.slice(0, 4).map((t) => [t.channel, t.status])).to.deep.equal([
      ["live-code", "VALID"],
      ["document", "VALID"],
      ["live-qr", "VALID"],
      ["static-qr", "VALID"],
    ]);
    for (const item of traces.items) expect(Object.keys(item).sort()).to.deep.equal(["at", "channel", "status"]);
    const columns = h.sql("SELECT name FROM pragma_table_info('usage_traces')").map((r) => r.name);
    expect(columns).to.deep.equal(["id", "certificate_id", "at", "channel", "status", "presentation_id"]);

    offset = 180 * DAY + 2 * MINUTE;
    const later = await call<{ items: unknown[] }>(h.url, "GET", `/api/v1/holder/${id}/traces`, {
      headers: holderHeader(secretOf(type)),
    });
    expect(later.body.items).to.have.length(1);
    await h.runtime.holder.traces.prune();
    expect(h.sql("SELECT at FROM usage_traces WHERE certificate_id = ?", id)).to.have.length(1);
  });

  it("lets the holder switch the link off, and the officer give a new one", async () => {
    const type = "business-licence";
    const id = issued.get(type)!.id;
    const old = secretOf(type);
    const live = await present(type, ["companyName"]);
    expect((await call(h.url, "POST", `/api/v1/holder/${id}/revoke`, { headers: holderHeader(old) })).status).to.equal(
      204,
    );
    expect((await call(h.url, "GET", `/api/v1/holder/${id}`, { headers: holderHeader(old) })).status).to.equal(404);
    expect(
      (await call<VerificationResult>(h.url, "GET", `/p/${live.code}`, { headers: client() })).body.status,
    ).to.equal("PRESENTATION_EXPIRED");

    const other = await call(h.url, "POST", `/api/v1/certificates/${id}/holder-link`, { key: h.agencies[1].issuerKey });
    expect(other.status).to.equal(404);
    const fresh = await call<{ holder: { url: string } }>(h.url, "POST", `/api/v1/certificates/${id}/holder-link`, {
      key: h.agencies[0].issuerKey,
    });
    expect(fresh.status).to.equal(201);
    const secret = new URL(fresh.body.holder.url).hash.slice(1);
    expect((await call(h.url, "GET", `/api/v1/holder/${id}`, { headers: holderHeader(secret) })).status).to.equal(200);
    expect((await call(h.url, "GET", `/api/v1/holder/${id}`, { headers: holderHeader(old) })).status).to.equal(404);
  });

  it("answers one live code at most 30 times in its window, whoever asks", async () => {
    const created = await present("diploma", ["major"]);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++)
      statuses.push((await call(h.url, "GET", `/p/${created.code}`, { headers: client() })).status);
    expect(statuses.slice(0, 30)).to.deep.equal(Array(30).fill(200));
    expect(statuses.slice(30)).to.deep.equal([429, 429]);
  });

  it("writes no holder secret, presentation code or token to any log line", () => {
    const secrets = [...shownSecrets, ...[...issued.values()].map((item) => new URL(item.holder!.url).hash.slice(1))];
    expect(secrets.length).to.be.greaterThan(10);
    expect(logLines.length).to.be.greaterThan(20);
    const logs = logLines.join("\n");
    for (const secret of secrets) expect(logs, secret).to.not.include(secret);
  });

  it("refuses fields the certificate does not have", async () => {
    const reply = await call<{ error: { code: string } }>(
      h.url,
      "POST",
      `/api/v1/holder/${issued.get("diploma")!.id}/presentations`,
      {
        headers: holderHeader(secretOf("diploma")),
        body: { fields: ["holderName", "salary"] },
      },
    );
    expect(reply.status).to.equal(400);
    expect(reply.body.error.code).to.equal("INVALID_FIELDS");
  });

  it("stops a brute-force run of 8-digit codes long before 1% of the space, from one client or from many", async () => {
    const space = 100_000_000;
    const one = client();
    let tried = 0;
    for (let guess = 0; guess < 1000; guess++) {
      const reply = await call(h.url, "GET", `/p/${String(31_337_000 + guess).padStart(8, "0")}`, { headers: one });
      if (reply.status === 429) break;
      expect(reply.status).to.equal(404);
      tried++;
    }
    expect(tried).to.equal(10);
    // a botnet: every guess from a new address; the limit for everyone ends the run
    let distributed = 0;
    for (let guess = 0; guess < 3000; guess++) {
      const reply = await call(h.url, "GET", `/p/${String(52_000_000 + guess).padStart(8, "0")}`, {
        headers: client(),
      });
      if (reply.status === 429) break;
      distributed++;
    }
    expect(distributed).to.be.at.most(1000);
    expect(tried + distributed).to.be.below(space / 100 / 900);
    // the limit for everyone counts codes only: a QR token (128 bits) still opens its presentation
    const created = await present("diploma", ["institution"]);
    expect(
      (await call<VerificationResult>(h.url, "GET", pathOf(created.url), { headers: client() })).body.status,
    ).to.equal("VALID");
  });
});
