import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
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
import { qrPhoto } from "../support/media.ts";
import {
  fetchBinary,
  issueAnchoredLicence,
  startBrowserTestService,
  type BrowserTestService,
} from "../support/service.ts";

const LOCALES = [
  { browser: "zh-CN", html: "zh-CN", other: "en" },
  { browser: "en-US", html: "en", other: "zh-CN" },
] as const;
const WIDTHS = [360, 1280] as const;

/**
 * Every page in both languages (chosen by the browser's Accept-Language), filled with content:
 * no serious or critical axe-core violation at either width, and screenshots at 360 and 1280 px.
 */
describe("browser: every page in both languages, accessible, at 360 and 1280 px", function () {
  this.timeout(240_000);
  let service: BrowserTestService;
  let browser: Browser;
  let work: string;
  let photo: string;
  let id: string;

  before(async function () {
    skipWithoutBrowser(this);
    service = await startBrowserTestService();
    browser = await launchBrowser();
    work = await mkdtemp(join(tmpdir(), "certledger-pages-"));
    id = (await issueAnchoredLicence(service, 3)).id;
    await issueAnchoredLicence(service, 4).then((c) =>
      call(service.url, "POST", `/api/v1/certificates/${c.id}/suspend`, {
        key: service.apiKey,
        body: { reason: "certificateHold" },
      }),
    );
    // the audit index reads the chain on its own schedule: wait until it has seen the suspension
    await waitFor(
      "the audit index to catch up",
      async () => {
        const events = await call<{ items: { kind: string }[] }>(
          service.url,
          "GET",
          `/api/v1/audit/agencies/${service.agencyId}/events?kind=CertificateSuspended`,
          {
            key: service.auditorApiKey,
          },
        );
        return events.body.items.length > 0 ? true : undefined;
      },
      30_000,
      250,
    );
    photo = await qrPhoto(await fetchBinary(service, `/api/v1/certificates/${id}/qr.png`), work, "photo");
  });
  after(async () => {
    await (browser as Browser | undefined)?.close();
    await (service as BrowserTestService | undefined)?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const signIn = async (page: Page, path: string, key: string) => {
    await page.goto(`${service.url}${path}`);
    await page.fill("#key-input", key);
    await page.click("#key-form button[type=submit]");
    await page.locator("#workspace").waitFor({ state: "visible" });
  };

  const PAGES: { name: string; fill: (page: Page) => Promise<void> }[] = [
    {
      name: "scan",
      fill: async (page) => {
        await page.goto(`${service.url}/scan`);
        await page.setInputFiles("#photo-input", photo);
        await page.locator("#result-body .banner[data-status=VALID]").waitFor({ timeout: 20_000 });
      },
    },
    {
      name: "console",
      fill: async (page) => {
        await signIn(page, "/console", service.apiKey);
        await page.click("#find-form button[type=submit]");
        await page.locator("#find-body tr").first().waitFor();
      },
    },
    {
      name: "print",
      fill: async (page) => {
        await signIn(page, "/console", service.apiKey);
        await page.goto(`${service.url}/console/print?id=${id}`);
        await page.locator("#sheet").waitFor({ state: "visible" });
      },
    },
    {
      name: "audit",
      fill: async (page) => {
        await signIn(page, "/audit", service.auditorApiKey);
        await page.fill("#timeline-id", id);
        await page.click("#timeline-form button[type=submit]");
        await page.locator(".timeline__item").first().waitFor();
        await page.fill("#activity-agency", String(service.agencyId));
        await page.click("#activity-form button[type=submit]");
        await page.locator("#activity-body tr").first().waitFor();
        await page.click("#reconcile-run");
        await page.locator("#reconcile-result .banner").waitFor({ timeout: 30_000 });
      },
    },
  ];

  for (const locale of LOCALES) {
    for (const { name, fill } of PAGES) {
      it(`${name} (${locale.browser})`, async () => {
        const { context, page, problems } = await openPage(browser, { locale: locale.browser, width: 1280 });
        await fill(page);
        expect(await page.getAttribute("html", "lang"), "language from Accept-Language").to.equal(locale.html);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          const violations = await seriousViolations(page);
          expect(violations, describeViolations(violations)).to.deep.equal([]);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          expect(overflow, `no horizontal scrolling at ${width} px`).to.be.at.most(0);
          await screenshot(page, `${name}-${width}-${locale.html}`);
        }
        if (name === "print") {
          await page.emulateMedia({ media: "print" });
          const pdf = (await page.pdf({ format: "A4", printBackground: true })).toString("latin1");
          expect(pdf.match(/\/Type\s*\/Page[^s]/g), "the certificate fits one A4 page").to.have.length(1);
          await page.emulateMedia({ media: "screen" });
        }
        expect(problems.errors).to.deep.equal([]);
        await context.close();
      });
    }
  }

  it("switches language on every page with the language links", async () => {
    const { context, page } = await openPage(browser, { locale: "en-US" });
    for (const path of ["/scan", "/console", "/audit", "/console/print?id=" + id]) {
      await page.goto(`${service.url}${path}`);
      await page.click('nav.lang a[hreflang="zh-CN"]');
      expect(await page.getAttribute("html", "lang"), path).to.equal("zh-CN");
    }
    await context.close();
  });
});
