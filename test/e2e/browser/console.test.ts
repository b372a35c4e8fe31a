import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import JSZip from "jszip";
import type { Browser, Page } from "playwright-core";
import { sampleUscc } from "../../../scripts/support/samples.ts";
import { call } from "../../../scripts/support/http.ts";
import { waitFor } from "../../../scripts/support/serviceProcess.ts";
import {
  describeViolations,
  launchBrowser,
  openPage,
  screenshot,
  seriousViolations,
  skipWithoutBrowser,
} from "../support/browser.ts";
import { licenceRequest } from "../../../scripts/support/samples.ts";
import { startBrowserTestService, waitForAnchored, type BrowserTestService } from "../support/service.ts";

const ROWS = 200;
const BAD_ROWS = { 12: "uscc", 51: "companyName", 122: "entityType" } as const;

const csvCell = (value: unknown) => {
  const text = typeof value === "string" || typeof value === "number" ? String(value) : "";
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** 200 business licences, three of them wrong in a different field each; spreadsheet row = index + 2. */
function licenceCsv(): string {
  const columns = [
    "companyName",
    "uscc",
    "entityType",
    "legalRepresentative",
    "registeredCapital",
    "establishmentDate",
    "businessScope",
    "address",
    "validFrom",
  ];
  const lines = [columns.join(",")];
  for (let i = 0; i < ROWS; i++) {
    const input = licenceRequest(1000 + i);
    const row: Record<string, unknown> = { ...input.subject, validFrom: "2024-01-01" };
    const row1 = i + 2;
    if (row1 === 12) row.uscc = `${String(row.uscc).slice(0, 17)}${String(row.uscc).endsWith("0") ? "1" : "0"}`;
    if (row1 === 51) row.companyName = "";
    if (row1 === 122) row.entityType = "corporation";
    lines.push(columns.map((c) => csvCell(row[c])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

async function signIn(page: Page, service: BrowserTestService): Promise<void> {
  await page.goto(`${service.url}/console`);
  await page.fill("#key-input", service.apiKey);
  await page.click("#key-form button[type=submit]");
  await page.locator("#workspace").waitFor({ state: "visible" });
}

describe("browser: agency console", function () {
  this.timeout(240_000);
  let service: BrowserTestService;
  let browser: Browser;
  let work: string;

  before(async function () {
    skipWithoutBrowser(this);
    service = await startBrowserTestService();
    browser = await launchBrowser();
    work = await mkdtemp(join(tmpdir(), "certledger-console-"));
  });
  after(async () => {
    await (browser as Browser | undefined)?.close();
    await (service as BrowserTestService | undefined)?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("refuses a wrong key and keeps a good one out of the URL", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US" });
    await page.goto(`${service.url}/console`);
    await page.fill("#key-input", "clk_0000000000000000_notAKeyAtAllnotAKeyAtAllnotAKeyAtAllnotAK");
    await page.click("#key-form button[type=submit]");
    await page.locator("#key-error:not(:empty)").waitFor();
    await signIn(page, service);
    expect(page.url()).not.to.include(service.apiKey);
    expect(await page.evaluate(() => sessionStorage.getItem("certledger.officerKey"))).to.equal(service.apiKey);
    await context.close();
  });

  it("issues through the form, showing the API's field errors under the fields", async () => {
    const { context, page, problems } = await openPage(browser, { locale: "en-US" });
    await signIn(page, service);
    await page.selectOption("#issue-type", "business-licence");
    const good = licenceRequest(7);
    await page.fill("#issue-f-companyName", String(good.subject.companyName));
    await page.fill("#issue-f-uscc", `${sampleUscc(7).slice(0, 17)}${sampleUscc(7).endsWith("0") ? "1" : "0"}`);
    await page.selectOption("#issue-f-entityType", String(good.subject.entityType));
    await page.fill("#issue-f-legalRepresentative", String(good.subject.legalRepresentative));
    await page.fill("#issue-f-registeredCapital", String(good.subject.registeredCapital));
    await page.fill("#issue-f-establishmentDate", String(good.subject.establishmentDate));
    await page.fill("#issue-f-businessScope", String(good.subject.businessScope));
    await page.click("#issue-submit");
    await page.locator("#issue-f-uscc-error:not(:empty)").waitFor();
    expect(await page.getAttribute("#issue-f-uscc", "aria-invalid")).to.equal("true");
    expect(await page.locator("#issue-f-address-error").innerText()).to.equal("Required.");
    await screenshot(page, "console-form-errors-1280-en");

    await page.fill("#issue-f-uscc", sampleUscc(7));
    await page.fill("#issue-f-address", String(good.subject.address));
    await page.click("#issue-submit");
    const issued = page.locator("[data-issued-id]");
    await issued.waitFor();
    const id = await issued.getAttribute("data-issued-id");
    expect(id).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const record = await call<{ document: { subject: { uscc: string } } }>(
      service.url,
      "GET",
      `/api/v1/certificates/${id}`,
      { key: service.apiKey },
    );
    expect(record.body.document.subject.uscc).to.equal(sampleUscc(7));
    // the holder link, shown this once, opens the holder's page for this certificate
    const holderLink = await page.locator("[data-holder-link] a[href*='/h/']").first().getAttribute("href");
    expect(holderLink).to.match(new RegExp(`/h/${id ?? ""}#[0-9A-HJKMNP-TV-Z]{20}$`));
    await page.locator("text=Recorded on the ledger").waitFor({ timeout: 30_000 });
    expect(problems.errors).to.deep.equal([]);
    await context.close();
  });

  it("bulk-issues a 200-row CSV: the 3 bad rows are reported, the 197 others issued, their QR codes zipped", async () => {
    const csv = join(work, "licences.csv");
    await writeFile(csv, licenceCsv());
    const before = await call<{ items: unknown[] }>(service.url, "GET", "/api/v1/certificates?limit=500", {
      key: service.apiKey,
    });
    const { context, page, problems } = await openPage(browser, { locale: "en-US", acceptDownloads: true });
    await signIn(page, service);
    await page.selectOption("#bulk-type", "business-licence");
    await page.setInputFiles("#bulk-file", csv);
    await page.click("#bulk-start");
    await page.locator("#bulk-summary:has-text('Done')").waitFor({ timeout: 60_000 });
    expect(await page.locator("#bulk-summary").innerText()).to.include("197 of 200");
    const reported = await page
      .locator("#bulk-errors-body tr")
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-row"))));
    expect([...new Set(reported)]).to.deep.equal(Object.keys(BAD_ROWS).map(Number));
    expect(await page.locator("#bulk-progress").evaluate((p) => (p as HTMLProgressElement).value)).to.equal(ROWS);
    await screenshot(page, "console-bulk-report-1280-en");

    const after = await call<{ items: unknown[] }>(service.url, "GET", "/api/v1/certificates?limit=500", {
      key: service.apiKey,
    });
    expect(after.body.items.length - before.body.items.length).to.equal(ROWS - 3);

    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click("#bulk-zip")]);
    const zipPath = join(work, "qr.zip");
    await download.saveAs(zipPath);
    const zip = await JSZip.loadAsync(await readFile(zipPath));
    const pngs = Object.keys(zip.files).filter((name) => name.endsWith(".png"));
    expect(pngs).to.have.length(ROWS - 3);
    const index = await zip.file("index.csv")!.async("string");
    expect(index.trim().split(/\r?\n/)).to.have.length(ROWS - 3 + 1);
    expect(problems.errors).to.deep.equal([]);
    await context.close();
  });

  it("revokes a certificate only after confirmation, with a reason", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US" });
    await signIn(page, service);
    const listed = await call<{ items: { id: string }[] }>(service.url, "GET", "/api/v1/certificates?limit=1", {
      key: service.apiKey,
    });
    const id = listed.body.items[0]!.id;
    await waitForAnchored(service, id);
    await page.fill("#find-id", id);
    await page.click("#find-form button[type=submit]");
    const revoke = page.locator(`button[data-action="revoke"][data-id="${id}"]`);
    await revoke.click();
    const dialog = page.locator("#status-dialog");
    await dialog.waitFor({ state: "visible" });
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).to.deep.equal([]);
    await page.click("#status-confirm");
    await page.locator("#status-reason-error:not(:empty)").waitFor();
    expect(await dialog.isVisible(), "no reason, no revocation").to.equal(true);
    await screenshot(page, "console-revoke-dialog-1280-en");
    await page.selectOption("#status-reason", "affiliationChanged");
    await page.fill("#status-note", "test revocation");
    await page.click("#status-confirm");
    await dialog.waitFor({ state: "hidden", timeout: 30_000 });
    await waitFor(
      "the certificate to show as revoked",
      async () =>
        (await page.locator(`tr[data-id="${id}"] td[data-status]`).getAttribute("data-status")) === "revoked"
          ? true
          : undefined,
      10_000,
    );
    const record = await call<{ status: { status: string; reason: string } }>(
      service.url,
      "GET",
      `/api/v1/certificates/${id}`,
      { key: service.apiKey },
    );
    expect(record.body.status.status).to.equal("revoked");
    expect(record.body.status.reason).to.equal("affiliationChanged");
    await context.close();
  });
});
