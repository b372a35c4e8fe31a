import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium; CERTLEDGER_CHROMIUM names another build (e.g. /usr/bin/chromium-browser). */
export const CHROMIUM_PATH = process.env.CERTLEDGER_CHROMIUM ?? "/usr/bin/chromium";
const BASE_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const require = createRequire(import.meta.url);
export const SCREENSHOT_DIR = new URL("../../../test-artifacts/screenshots/", import.meta.url).pathname;

/**
 * Whether the browser tests can run: without /usr/bin/chromium they fail, unless
 * CERTLEDGER_SKIP_BROWSER=1 asks to skip them (then the reason is printed).
 */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const message = `${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium ffmpeg\``;
  if (process.env.CERTLEDGER_SKIP_BROWSER === "1") return `${message} (skipped: CERTLEDGER_SKIP_BROWSER=1)`;
  throw new Error(`${message}, or set CERTLEDGER_SKIP_BROWSER=1 to skip the browser tests`);
}

/** Skips the suite (with its reason) when the browser is missing and skipping was asked for. */
export function skipWithoutBrowser(suite: Mocha.Context): void {
  const reason = browserSkipReason();
  if (reason !== null) {
    console.warn(`  browser tests skipped: ${reason}`);
    suite.skip();
  }
}

/** Headless Chromium from Debian; `fakeCamera` is the absolute path of a .y4m video. */
export async function launchBrowser(options: { fakeCamera?: string } = {}): Promise<Browser> {
  const camera = options.fakeCamera
    ? [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${options.fakeCamera}`,
      ]
    : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, ...camera] });
}

export interface PageProblems {
  /** console errors and Content-Security-Policy violations seen so far */
  errors: string[];
}

/** A page in a fresh context with the browser language `locale`; console errors are collected. */
export async function openPage(
  browser: Browser,
  options: { locale: "zh-CN" | "en-US"; width?: number; acceptDownloads?: boolean },
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    locale: options.locale,
    viewport: { width: options.width ?? 1280, height: 900 },
    acceptDownloads: options.acceptDownloads ?? false,
    permissions: ["camera"],
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on("console", (message) => {
    // Chromium logs every 4xx answer; the pages expect some (a 422 names invalid fields).
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.errors.push(message.text());
  });
  page.on("pageerror", (error) => problems.errors.push(error.message));
  return { context, page, problems };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through DevTools rather than added as a <script>: the page's CSP forbids inline scripts.
  const source = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const result = await axe.run(document);
    return result.violations;
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`)
    .join("\n");
}

/** Full-page screenshot under test-artifacts/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Bytes on the wire for everything a page load fetched (Chromium's encodedDataLength: headers
 * and bodies as transferred), measured through the DevTools protocol.
 */
export async function measureTransfer(
  page: Page,
  load: () => Promise<void>,
): Promise<{ bytes: number; requests: { url: string; bytes: number }[] }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const urls = new Map<string, string>();
  const requests: { url: string; bytes: number }[] = [];
  cdp.on("Network.requestWillBeSent", (event) => urls.set(event.requestId, event.request.url));
  cdp.on("Network.loadingFinished", (event) =>
    requests.push({ url: urls.get(event.requestId) ?? "?", bytes: event.encodedDataLength }),
  );
  await load();
  await page.waitForLoadState("networkidle");
  await cdp.detach();
  return { bytes: requests.reduce((sum, r) => sum + r.bytes, 0), requests };
}
