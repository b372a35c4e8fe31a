/* global location, document, console, setTimeout, navigator, fetch */
/**
 * The scan page: QR codes from the camera, a photo or a keyboard-wedge scanner, a holder's
 * 8-digit code, or a certificate file, each verified by the service, which also renders the
 * result (the /v/ page's renderer, as a fragment). In counter mode the camera keeps going, every
 * new code gets its own result, and the code box keeps the focus for the next scan.
 */
import { byId, el, replace } from "./dom.js";
import { bindLargeText } from "./display.js";
import { pageData, t } from "./i18n.js";
import { createDecoder, decodeImageFile, drawScaled } from "./qrDecoder.js";
import { banner, parseResultFragment } from "./resultView.js";

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const CODE_PATTERN = /^\d{8}$/;
/** The same code seen again within this time, in counter mode, is the same card still in view. */
const REPEAT_WINDOW_MS = 4000;
const FRAME_INTERVAL_MS = 150;
const HISTORY_LENGTH = 20;

/** @typedef {import("./resultView.js").ResultFragment} ResultFragment */
/** @typedef {import("./qrDecoder.js").Decode} Decode */

const ui = {
  video: byId("camera-video", HTMLVideoElement),
  scanner: byId("scanner", HTMLDivElement),
  cameraStatus: byId("camera-status", HTMLParagraphElement),
  start: byId("camera-start", HTMLButtonElement),
  stop: byId("camera-stop", HTMLButtonElement),
  continuous: byId("continuous", HTMLInputElement),
  photo: byId("photo-input", HTMLInputElement),
  documentInput: byId("document-input", HTMLInputElement),
  drop: byId("document-drop", HTMLElement),
  result: byId("result", HTMLElement),
  resultBody: byId("result-body", HTMLDivElement),
  announce: byId("result-announce", HTMLParagraphElement),
  history: byId("history", HTMLElement),
  historyList: byId("history-list", HTMLOListElement),
  codeForm: byId("code-form", HTMLFormElement),
  codeInput: byId("code-input", HTMLInputElement),
  largeText: byId("large-text", HTMLInputElement),
};

/** @type {Promise<Decode> | null} */
let decoder = null;
/** @type {MediaStream | null} */
let stream = null;
let busy = false;
/** @type {{ text: string, at: number } | null} */
let lastCode = null;

const getDecoder = () => (decoder ??= createDecoder());
/** The camera may be stopped while a frame is being decoded. */
const isStreaming = () => stream !== null;

/** Origins whose /v/ links this service answers for: its public address and the page's own. */
function ownOrigins() {
  const origins = new Set([location.origin]);
  try {
    origins.add(new URL(pageData.publicUrl).origin);
  } catch {
    // a PUBLIC_URL the browser cannot parse adds nothing
  }
  return origins;
}

/**
 * @param {string} headline
 * @param {string} explanation
 * @param {string} [tone]
 */
function showNotice(headline, explanation, tone = "unavailable") {
  replace(ui.resultBody, banner({ tone, label: t("scan.notice"), headline, explanation }));
  ui.announce.textContent = headline;
}

/** In counter mode the clerk's next scan or code goes straight into the code box. */
function refocus() {
  if (ui.continuous.checked) ui.codeInput.focus();
}

/**
 * @param {ResultFragment} fragment
 * @param {{ source: string, pageUrl?: string }} context
 */
function showResult(fragment, context) {
  const extra = context.pageUrl ? el("p", {}, el("a", { href: context.pageUrl }, t("scan.result.openPage"))) : null;
  replace(ui.resultBody, fragment.node, extra);
  ui.announce.textContent = fragment.headline;
  const time = new Date().toLocaleTimeString(pageData.locale === "zh" ? "zh-CN" : "en", { hour12: false });
  ui.historyList.prepend(
    el(
      "li",
      { class: `history__item history__item--${fragment.tone}`, "data-status": fragment.status },
      el("span", { class: "history__time" }, time),
      el("strong", {}, fragment.headline),
      fragment.certificateId ? el("code", { class: "mono" }, fragment.certificateId) : null,
      el("span", { class: "muted" }, t(`scan.source.${context.source}`)),
    ),
  );
  while (ui.historyList.children.length > HISTORY_LENGTH) ui.historyList.lastElementChild?.remove();
  ui.history.hidden = false;
  if (ui.continuous.checked) refocus();
  else if (context.source !== "camera") ui.result.focus({ preventScroll: false });
}

/**
 * The `error.code` of a JSON error answer, or null.
 * @param {Response} response
 * @returns {Promise<string | null>}
 */
async function errorCodeOf(response) {
  try {
    /** @type {unknown} */
    const parsed = await response.json();
    const body = /** @type {{ error?: { code?: unknown } }} */ (parsed);
    return typeof body.error?.code === "string" ? body.error.code : null;
  } catch {
    return null;
  }
}

/**
 * Asks the service for a result fragment and shows it, or says why there is none.
 * @param {string} path same-origin path; `part=result` and the language are added
 * @param {{ source: string, pageUrl?: string, host?: string }} context
 * @param {RequestInit} [init]
 */
async function fetchResult(path, context, init = {}) {
  replace(ui.resultBody, el("p", { class: "hint" }, t("scan.checking")));
  const url = `${path}${path.includes("?") ? "&" : "?"}part=result&lang=${pageData.locale}`;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, { ...init, credentials: "omit", cache: "no-store" });
  } catch {
    showNotice(t("status.UNAVAILABLE.headline"), t("scan.error.network"));
    return;
  }
  const type = response.headers.get("content-type") ?? "";
  const fragment = type.includes("html") ? parseResultFragment(await response.text()) : null;
  const errorCode = !fragment && type.includes("json") ? await errorCodeOf(response) : null;
  if (fragment) showResult(fragment, context);
  else if (errorCode === "UNRECOGNISED_ISSUER") {
    showNotice(t("scan.error.unrecognised"), t("scan.error.unrecognisedHint", { host: context.host ?? "" }), "invalid");
  } else if (response.status === 429) {
    const coded = /^\/p\//.test(path);
    showNotice(
      t(coded ? "scan.error.codeLimited" : "scan.error.rateLimited"),
      t(coded ? "scan.error.codeLimitedHint" : "scan.error.rateLimitedHint"),
    );
  } else if (response.status === 404 && /^\/p\//.test(path)) {
    showNotice(t("scan.error.unknownCode"), t("scan.error.unknownCodeHint"), "invalid");
  } else showNotice(t("status.UNAVAILABLE.headline"), t("scan.error.network"));
  if (!fragment) refocus();
}

/**
 * A decoded or typed link, always checked by this service: its own verification and presentation
 * links directly, another service's verification link through `POST /api/v1/verify-link` (which
 * contacts only services of its trust list); the page itself never opens a link elsewhere.
 * @param {string} text
 * @param {string} source
 */
async function verifyLink(text, source) {
  /** @type {URL} */
  let url;
  try {
    url = new URL(text);
  } catch {
    showNotice(t("scan.error.notLink"), t("scan.error.notLinkHint"), "invalid");
    return;
  }
  const certificate = /\/v\/([^/]+)$/.exec(url.pathname)?.[1] ?? "";
  const presentation = /\/p\/([^/]+)$/.exec(url.pathname)?.[1] ?? "";
  const hash = url.searchParams.get("h") ?? "";
  const isCertificate = ID_PATTERN.test(certificate) && /^0x[0-9a-fA-F]{64}$/.test(hash);
  if (!isCertificate && !TOKEN_PATTERN.test(presentation)) {
    showNotice(t("scan.error.notLink"), t("scan.error.notLinkHint"), "invalid");
    return;
  }
  if (!ownOrigins().has(url.origin)) {
    if (!isCertificate) {
      // a live presentation is the holder's, on the service that holds the certificate
      showNotice(t("scan.error.foreign"), t("scan.error.foreignHint", { host: url.host }), "invalid");
      return;
    }
    // another service's certificate: this service fetches and verifies it when its trust list names that service
    await fetchResult(
      "/api/v1/verify-link",
      { source, host: url.host },
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ url: url.href }),
      },
    );
    return;
  }
  if (isCertificate) {
    const path = `/v/${certificate}?h=${hash}`;
    await fetchResult(path, { source, pageUrl: `${path}&lang=${pageData.locale}` });
  } else {
    // a live presentation is looked up once: a second request would count as a second check
    await fetchResult(`/p/${presentation}`, { source });
  }
}

/**
 * What the clerk typed, or what a keyboard-wedge scanner typed before its Enter.
 * @param {string} typed
 */
async function onCodeInput(typed) {
  const value = typed.trim();
  const digits = value.replace(/[\s-]/g, "");
  if (CODE_PATTERN.test(digits)) await fetchResult(`/p/${digits}`, { source: "code" });
  else if (/^https?:\/\//i.test(value)) await verifyLink(value, "scanner");
  else {
    showNotice(t("scan.error.notLink"), t("scan.code.invalid"), "invalid");
    refocus();
  }
}

/** @param {string} text */
async function onCameraCode(text) {
  const now = Date.now();
  const continuous = ui.continuous.checked;
  if (continuous && lastCode?.text === text && now - lastCode.at < REPEAT_WINDOW_MS) {
    lastCode = { text, at: now };
    return;
  }
  lastCode = { text, at: now };
  if (!continuous) stopCamera();
  await verifyLink(text, "camera");
}

async function scanFrame() {
  if (!stream) return;
  const { video } = ui;
  if (!busy && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
    busy = true;
    try {
      const decode = await getDecoder();
      const canvas = document.createElement("canvas");
      drawScaled(canvas, video, video.videoWidth, video.videoHeight, 720);
      const text = await decode(canvas, false);
      if (text) await onCameraCode(text);
    } catch (error) {
      console.warn("QR decoding failed", error);
    } finally {
      busy = false;
    }
  }
  if (isStreaming()) setTimeout(() => void scanFrame(), FRAME_INTERVAL_MS);
}

async function startCamera() {
  if (!("mediaDevices" in navigator)) {
    ui.cameraStatus.textContent = t("scan.camera.unsupported");
    return;
  }
  ui.start.disabled = true;
  ui.cameraStatus.textContent = t("scan.camera.starting");
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" } },
    });
    ui.video.srcObject = stream;
    ui.scanner.hidden = false;
    await ui.video.play();
    ui.start.hidden = true;
    ui.stop.hidden = false;
    ui.cameraStatus.textContent = t("scan.camera.scanning");
    lastCode = null;
    void getDecoder();
    void scanFrame();
  } catch (error) {
    stopCamera();
    const denied =
      error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "SecurityError");
    ui.cameraStatus.textContent = t(denied ? "scan.camera.denied" : "scan.camera.failed");
  } finally {
    ui.start.disabled = false;
  }
}

function stopCamera() {
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = null;
  ui.video.srcObject = null;
  ui.scanner.hidden = true;
  ui.stop.hidden = true;
  ui.start.hidden = false;
  ui.cameraStatus.textContent = t("scan.camera.stopped");
}

/** @param {File} file */
async function onPhoto(file) {
  replace(ui.resultBody, el("p", { class: "hint" }, t("scan.reading")));
  try {
    const text = await decodeImageFile(await getDecoder(), file);
    if (text) await verifyLink(text, "photo");
    else showNotice(t("scan.error.noCode"), t("scan.error.noCodeHint"));
  } catch {
    showNotice(t("scan.error.noCode"), t("scan.error.noCodeHint"));
  }
}

/** @param {File} file */
async function onDocument(file) {
  /** @type {string} */
  let body;
  try {
    body = JSON.stringify(JSON.parse(await file.text()));
  } catch {
    showNotice(t("scan.error.notJson"), t("scan.error.notJsonHint"), "invalid");
    return;
  }
  await fetchResult(
    "/api/v1/verify",
    { source: "document" },
    { method: "POST", headers: { "content-type": "application/json" }, body },
  );
}

ui.start.addEventListener("click", () => void startCamera());
ui.stop.addEventListener("click", stopCamera);
ui.photo.addEventListener("change", () => {
  const file = ui.photo.files?.[0];
  if (file) void onPhoto(file);
  ui.photo.value = "";
});
ui.documentInput.addEventListener("change", () => {
  const file = ui.documentInput.files?.[0];
  if (file) void onDocument(file);
  ui.documentInput.value = "";
});
ui.drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  ui.drop.classList.add("is-dragging");
});
ui.drop.addEventListener("dragleave", () => {
  ui.drop.classList.remove("is-dragging");
});
ui.drop.addEventListener("drop", (event) => {
  event.preventDefault();
  ui.drop.classList.remove("is-dragging");
  const file = event.dataTransfer?.files[0];
  if (file) void onDocument(file);
});
ui.codeForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = ui.codeInput.value;
  ui.codeInput.value = "";
  void onCodeInput(value);
});
ui.continuous.addEventListener("change", refocus);
bindLargeText(ui.largeText);
document.addEventListener("visibilitychange", () => {
  if (document.hidden && stream) stopCamera();
});
