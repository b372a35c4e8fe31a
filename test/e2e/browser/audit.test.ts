import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { call } from "../../../scripts/support/http.ts";
import { waitFor } from "../../../scripts/support/serviceProcess.ts";
import { launchBrowser, openPage, skipWithoutBrowser } from "../support/browser.ts";
import { issueAnchoredLicence, startBrowserTestService, type BrowserTestService } from "../support/service.ts";

describe("browser: auditor's view", function () {
  this.timeout(180_000);
  let service: BrowserTestService;
  let browser: Browser;
  let work: string;
  let id: string;
  let suspendTx: string;

  before(async function () {
    skipWithoutBrowser(this);
    service = await startBrowserTestService();
    browser = await launchBrowser();
    work = await mkdtemp(join(tmpdir(), "certledger-audit-"));
    id = (await issueAnchoredLicence(service, 21)).id;
    await issueAnchoredLicence(service, 22);
    const suspended = await call<{ txHash: string }>(service.url, "POST", `/api/v1/certificates/${id}/suspend`, {
      key: service.apiKey,
      body: { reason: "certificateHold" },
    });
    suspendTx = suspended.body.txHash;
    await waitFor(
      "the audit index to see the suspension",
      async () => {
        const h = await call<{ entries: unknown[] }>(service.url, "GET", `/api/v1/audit/certificates/${id}/history`, {
          key: service.auditorApiKey,
        });
        return h.body.entries.length >= 2 ? true : undefined;
      },
      30_000,
      250,
    );
  });
  after(async () => {
    await (browser as Browser | undefined)?.close();
    await (service as BrowserTestService | undefined)?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const signIn = async (page: Page, key: string) => {
    await page.goto(`${service.url}/audit`);
    await page.fill("#key-input", key);
    await page.click("#key-form button[type=submit]");
    await page.locator("#workspace").waitFor({ state: "visible" });
  };

  it("shows a certificate's timeline from the chain: anchored, then suspended with its reason", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US" });
    await signIn(page, service.auditorApiKey);
    await page.fill("#timeline-id", id);
    await page.click("#timeline-form button[type=submit]");
    await page.locator(".timeline__item").nth(1).waitFor();
    const events = await page
      .locator(".timeline__item")
      .evaluateAll((items) => items.map((i) => i.getAttribute("data-event")));
    expect(events).to.deep.equal(["anchored", "suspended"]);
    expect(await page.locator(".timeline__item--suspended").innerText())
      .to.include("Put on hold")
      .and.include(suspendTx);
    await context.close();
  });

  it("filters an agency's activity by event and exports it as CSV", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US", acceptDownloads: true });
    await signIn(page, service.auditorApiKey);
    await page.fill("#activity-agency", String(service.agencyId));
    await page.selectOption("#activity-kind", "CertificateSuspended");
    await page.click("#activity-form button[type=submit]");
    await page.locator("#activity-body tr").first().waitFor();
    const kinds = await page
      .locator("#activity-body tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
    expect(kinds).to.deep.equal(["CertificateSuspended"]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#activity-export")]);
    const path = join(work, "events.csv");
    await download.saveAs(path);
    const csv = await readFile(path, "utf8");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).to.have.length(2);
    expect(lines[1]).to.include(suspendTx);
    await context.close();
  });

  it("runs the reconciliation and reports a consistent service as such", async () => {
    const { context, page } = await openPage(browser, { locale: "zh-CN" });
    await signIn(page, service.auditorApiKey);
    await page.click("#reconcile-run");
    const verdict = page.locator("#reconcile-result .banner");
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute("data-status")).to.equal("OK");
    expect(await verdict.innerText()).to.include("未发现差异");
    await context.close();
  });

  it("tells an officer that the reconciliation needs an auditor key", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US" });
    await signIn(page, service.apiKey);
    await page.click("#reconcile-run");
    await page.locator("#reconcile-error:not(:empty)").waitFor();
    expect(await page.locator("#reconcile-error").innerText()).to.include("may not do this");
    await context.close();
  });
});
