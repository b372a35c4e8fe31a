import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { sampleInputs } from "../../../scripts/support/samples.ts";
import { call } from "../../../scripts/support/http.ts";
import { startHarness, type Harness } from "../../support/serviceHarness.ts";
import {
  describeViolations,
  launchBrowser,
  openPage,
  screenshot,
  seriousViolations,
  skipWithoutBrowser,
} from "../support/browser.ts";
import { qrVideo } from "../support/media.ts";

const MINUTE = 60_000;

/**
 * The holder and the counter, end to end in Chromium: the holder opens their page, presents two
 * fields, the verifier's fake camera reads the live QR code; the injected clock moves five
 * minutes on; codes are typed and scanned with a keyboard-wedge scanner.
 */
describe("browser: holder page, live presentation, counter input", function () {
  this.timeout(240_000);
  let h: Harness;
  let offset = 0;
  let holderBrowser: Browser;
  let verifierBrowser: Browser | undefined;
  let work: string;
  let certificate: { id: string; verifyUrl: string; holder: { url: string; code: string } };
  const licence = sampleInputs(515)["driving-licence"]!;

  before(async function () {
    skipWithoutBrowser(this);
    h = await startHarness({ clock: () => new Date(Date.now() + offset) });
    const { type, subject, validFrom } = licence;
    const issued = await call<typeof certificate>(h.url, "POST", "/api/v1/certificates", {
      key: h.agencies[0].issuerKey,
      body: { type, subject, validFrom },
    });
    expect(issued.status).to.equal(202);
    certificate = issued.body;
    await h.flush();
    holderBrowser = await launchBrowser();
    work = await mkdtemp(join(tmpdir(), "certledger-holder-"));
  });
  after(async () => {
    await verifierBrowser?.close();
    await (holderBrowser as Browser | undefined)?.close();
    await (h as Harness | undefined)?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const openHolderPage = async (locale: "zh-CN" | "en-US" = "en-US", width = 1280) => {
    const opened = await openPage(holderBrowser, { locale, width });
    await opened.page.goto(certificate.holder.url);
    await opened.page.locator("#holder-result .banner[data-status]").waitFor({ timeout: 20_000 });
    return opened;
  };

  const presentFields = async (page: Page, fields: string[]): Promise<string> => {
    for (const name of fields) await page.check(`#field-${name}`);
    await page.click("#present-form button[type=submit]");
    const digits = page.locator("#live-digits");
    await digits.waitFor();
    return (await digits.innerText()).replace(/\s/g, "");
  };

  const typeAtCounter = async (page: Page, text: string, expected: string) => {
    await page.locator("#code-input").focus();
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
    const banner = page.locator(`#result-body .banner[data-status="${expected}"]`);
    await banner.waitFor({ timeout: 20_000 });
    return page.locator("#result-body").innerText();
  };

  it("shows the holder the whole certificate and makes a live code of two fields that the verifier's camera reads", async () => {
    const { context, page, problems } = await openHolderPage();
    const whole = await page.locator("#holder-result").innerText();
    expect(whole).to.include(String(licence.subject.address));
    expect(whole).to.include(String(licence.subject.licenceNumber));
    await presentFields(page, ["holderName", "licenceNumber"]);
    const qr = await page.locator("img.live-code__qr").screenshot();
    await screenshot(page, "holder-live-code-en-1280");
    expect(problems.errors).to.deep.equal([]);
    await context.close();

    verifierBrowser = await launchBrowser({ fakeCamera: await qrVideo(qr, work, "live") });
    const verifier = await openPage(verifierBrowser, { locale: "en-US" });
    await verifier.page.goto(`${h.url}/scan`);
    await verifier.page.click("#camera-start");
    const banner = verifier.page.locator("#result-body .banner[data-status]");
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.getAttribute("data-status")).to.equal("VALID");
    const text = await verifier.page.locator("#result-body").innerText();
    expect(text).to.match(/Presented live by the holder at \d\d:\d\d, valid until \d\d:\d\d/);
    expect(text).to.include(String(licence.subject.holderName));
    expect(text).to.include(String(licence.subject.licenceNumber));
    expect(text).to.not.include(String(licence.subject.address));
    expect(text).to.include("Not shown by the holder");
    expect(verifier.problems.errors).to.deep.equal([]);
    await verifier.context.close();
  });

  it("takes a typed 8-digit code at the counter, and gives PRESENTATION_EXPIRED five minutes later", async () => {
    const holder = await openHolderPage();
    const code = await presentFields(holder.page, ["vehicleClasses", "holderName"]);
    await holder.context.close();
    const { context, page } = await openPage(holderBrowser, { locale: "en-US" });
    await page.goto(`${h.url}/scan`);
    const live = await typeAtCounter(page, code, "VALID");
    expect(live).to.include(String(licence.subject.holderName));
    offset = 5 * MINUTE;
    try {
      const expired = await typeAtCounter(page, `${code.slice(0, 4)} ${code.slice(4)}`, "PRESENTATION_EXPIRED");
      expect(expired).to.include("Code expired");
      expect(expired).to.not.include(String(licence.subject.holderName));
    } finally {
      offset = 0;
    }
    await context.close();
  });

  it("gives PRESENTATION_EXPIRED for a code the holder withdrew", async () => {
    const holder = await openHolderPage("zh-CN", 360);
    const code = await presentFields(holder.page, ["vehicleClasses"]);
    await holder.page.locator("#presentation-list button[data-presentation]").first().click();
    await holder.page.locator("#holder-status", { hasText: "已撤回" }).waitFor();
    await holder.context.close();
    const { context, page } = await openPage(holderBrowser, { locale: "zh-CN" });
    await page.goto(`${h.url}/scan`);
    expect(await typeAtCounter(page, code, "PRESENTATION_EXPIRED")).to.include("亮证码已失效");
    await context.close();
  });

  it("takes a keyboard-wedge scan (the URL typed, then Enter) and keeps the focus in counter mode", async () => {
    const { context, page, problems } = await openPage(holderBrowser, { locale: "en-US" });
    await page.goto(`${h.url}/scan`);
    await page.check("#continuous");
    const text = await typeAtCounter(page, certificate.verifyUrl, "VALID");
    expect(text).to.include(certificate.id);
    expect(text).to.include("孙*例");
    expect(text).to.not.include(String(licence.subject.address));
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("code-input");
    // the next scan goes straight in: no click between customers
    await page.keyboard.type("not a code");
    await page.keyboard.press("Enter");
    await page.locator("#result-body .banner--invalid").waitFor();
    expect(await page.locator("#history-list li").count()).to.equal(1);
    expect(problems.errors).to.deep.equal([]);
    await context.close();
  });

  it("remembers large type on this device", async () => {
    const { context, page } = await openPage(holderBrowser, { locale: "en-US" });
    await page.goto(`${h.url}/scan`);
    await page.check("#large-text");
    await page.goto(certificate.holder.url);
    await page.locator("#holder-result .banner").waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains("large-text"))).to.equal(true);
    expect(await page.isChecked("#large-text")).to.equal(true);
    await context.close();
  });

  it("has no serious accessibility violation on the new pages, in both languages, at 360 and 1280 px", async () => {
    const holder = await openHolderPage();
    const code = await presentFields(holder.page, ["vehicleClasses"]);
    await holder.context.close();
    for (const locale of ["zh-CN", "en-US"] as const) {
      for (const width of [360, 1280]) {
        const name = `${locale}-${width}`;
        const views: [string, (page: Page) => Promise<void>][] = [
          [
            "holder",
            async (page) => {
              await page.goto(certificate.holder.url);
              await page.locator("#holder-result .banner").waitFor();
            },
          ],
          [
            "holder-locked",
            async (page) => {
              await page.goto(`${h.url}/h/${certificate.id}`);
              await page.locator("#unlock").waitFor();
            },
          ],
          [
            "presentation",
            async (page) => {
              await page.goto(`${h.url}/p/${code}`);
            },
          ],
          [
            "scan-counter",
            async (page) => {
              await page.goto(`${h.url}/scan`);
              await page.check("#large-text");
              await page.locator("#code-input").fill(code);
              await page.keyboard.press("Enter");
              await page.locator("#result-body .banner[data-status]").waitFor();
            },
          ],
        ];
        for (const [view, load] of views) {
          const { context, page } = await openPage(holderBrowser, { locale, width });
          await load(page);
          const violations = await seriousViolations(page);
          expect(violations, `${view} ${name}: ${describeViolations(violations)}`).to.deep.equal([]);
          await screenshot(page, `${view}-${name}`);
          await context.close();
        }
      }
    }
  });
});
