import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { call } from "../../../scripts/support/http.ts";
import { launchBrowser, measureTransfer, openPage, skipWithoutBrowser } from "../support/browser.ts";
import { qrPhoto, qrVideo } from "../support/media.ts";
import {
  fetchBinary,
  issueAnchoredLicence,
  startBrowserTestService,
  type BrowserTestService,
} from "../support/service.ts";

const PAGE_WEIGHT_LIMIT = 200 * 1024;

describe("browser: scan to verify", function () {
  this.timeout(180_000);
  let service: BrowserTestService;
  let work: string;
  let browser: Browser;
  let certificate: { id: string; verifyUrl: string };
  let video: string;
  let photo: string;
  let documentFile: string;

  before(async function () {
    skipWithoutBrowser(this);
    service = await startBrowserTestService();
    work = await mkdtemp(join(tmpdir(), "certledger-scan-"));
    certificate = await issueAnchoredLicence(service, 1);
    const png = await fetchBinary(service, `/api/v1/certificates/${certificate.id}/qr.png`);
    video = await qrVideo(png, work, "qr");
    photo = await qrPhoto(png, work, "photo");
    documentFile = join(work, "certificate.json");
    await writeFile(documentFile, await fetchBinary(service, `/api/v1/certificates/${certificate.id}/document`));
    browser = await launchBrowser({ fakeCamera: video });
  });

  after(async () => {
    await (browser as Browser | undefined)?.close();
    await (service as BrowserTestService | undefined)?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const scanWithCamera = async (continuous: boolean) => {
    const { context, page, problems } = await openPage(browser, { locale: "en-US" });
    await page.goto(`${service.url}/scan`);
    if (continuous) await page.check("#continuous");
    await page.click("#camera-start");
    const banner = page.locator("#result-body .banner[data-status]");
    await banner.waitFor({ timeout: 20_000 });
    return { context, page, problems, status: await banner.getAttribute("data-status") };
  };

  it("weighs less than 200 KB on first load", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US" });
    const measured = await measureTransfer(page, async () => {
      await page.goto(`${service.url}/scan`);
    });
    console.log(`      /scan first load: ${measured.bytes} bytes in ${measured.requests.length} requests`);
    expect(measured.bytes).to.be.below(PAGE_WEIGHT_LIMIT);
    expect(measured.requests.some((r) => r.url.endsWith("/static/js/scan.js"))).to.equal(true);
    await context.close();
  });

  it("reads the QR code from the camera and shows a valid certificate with its details", async () => {
    const { context, page, problems, status } = await scanWithCamera(false);
    expect(status).to.equal("VALID");
    const text = await page.locator("#result-body").innerText();
    expect(text).to.include("Valid certificate");
    expect(text).to.include(certificate.id);
    // the ledger record is folded away, as on the /v/ page the same renderer draws
    const ledger = await page.locator("#result-body details").last().textContent();
    expect(ledger).to.match(/Transaction/);
    expect(ledger).to.match(/Block/);
    expect(await page.locator("#camera-start").isVisible(), "single scan stops the camera").to.equal(true);
    expect(problems.errors).to.deep.equal([]);
    await context.close();
  });

  it("keeps the camera going in counter mode, checking a code held in view once", async () => {
    const { context, page, status } = await scanWithCamera(true);
    expect(status).to.equal("VALID");
    expect(await page.locator("#camera-stop").isVisible()).to.equal(true);
    // two more seconds of the same code in front of the camera: a dozen frames read, still one check
    const shownAt = await page.locator("#camera-video").evaluate((video) => (video as HTMLVideoElement).currentTime);
    await page.waitForFunction(
      (since) => (document.querySelector("#camera-video") as HTMLVideoElement).currentTime > since + 2,
      shownAt,
    );
    expect(await page.locator("#camera-stop").isVisible(), "the camera keeps going").to.equal(true);
    expect(await page.locator("#history-list li").count()).to.equal(1);
    await context.close();
  });

  it("reads the QR code from a photo", async () => {
    const { context, page, problems } = await openPage(browser, { locale: "en-US" });
    await page.goto(`${service.url}/scan`);
    await page.setInputFiles("#photo-input", photo);
    const banner = page.locator("#result-body .banner[data-status]");
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.getAttribute("data-status")).to.equal("VALID");
    expect(problems.errors).to.deep.equal([]);
    await context.close();
  });

  it("verifies a certificate file", async () => {
    const { context, page } = await openPage(browser, { locale: "zh-CN" });
    await page.goto(`${service.url}/scan`);
    await page.setInputFiles("#document-input", documentFile);
    const banner = page.locator("#result-body .banner[data-status]");
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.getAttribute("data-status")).to.equal("VALID");
    expect(await page.locator("#result-body").innerText()).to.include("有效证书");
    await context.close();
  });

  it("shows the same code as revoked once the agency revokes it", async () => {
    const revoked = await call(service.url, "POST", `/api/v1/certificates/${certificate.id}/revoke`, {
      key: service.apiKey,
      body: { reason: "privilegeWithdrawn" },
    });
    expect(revoked.status).to.equal(200);
    const { context, page, status } = await scanWithCamera(false);
    expect(status).to.equal("REVOKED");
    const text = await page.locator("#result-body").innerText();
    expect(text).to.include("Revoked");
    expect(text).to.include("The permission was withdrawn");
    await context.close();
  });
});
