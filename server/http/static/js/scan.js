/* global location, document, console, setTimeout, navigator */
/**
 * The scan page: QR codes from the camera or a photo, or a certificate file, each verified by
 * the service. In counter mode the camera keeps going and every new code gets its own result.
 */
import { ApiError, api } from "./api.js";
import { byId, el, replace } from "./dom.js";
import { pageData, t } from "./i18n.js";
import { createDecoder, decodeImageFile, drawScaled } from "./qrDecoder.js";
import { banner, isVerificationResult, renderResult, toneOf } from "./resultView.js";

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** The same code seen again within this time, in counter mode, is the same card still in view. */
const REPEAT_WINDOW_MS = 4000;
const FRAME_INTERVAL_MS = 150;
const HISTORY_LENGTH = 20;

/** @typedef {import("./resultView.js").VerificationResult} VerificationResult */
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

/**
 * @param {VerificationResult} result
 * @param {{ source: string, pageUrl?: string, requestedId?: string }} context
 */
function showResult(result, context) {
  replace(ui.resultBody, renderResult(result, context));
  const headline = t(`status.${result.status}.headline`);
  ui.announce.textContent = headline;
  const id = result.certificate?.id ?? context.requestedId ?? "";
  const time = new Date().toLocaleTimeString(pageData.locale === "zh" ? "zh-CN" : "en", { hour12: false });
  ui.historyList.prepend(
    el(
      "li",
      { class: `history__item history__item--${toneOf(result.status)}`, "data-status": result.status },
      el("span", { class: "history__time" }, time),
      el("strong", {}, headline),
      id ? el("code", { class: "mono" }, id) : null,
      el("span", { class: "muted" }, t(`scan.source.${context.source}`)),
    ),
  );
  while (ui.historyList.children.length > HISTORY_LENGTH) ui.historyList.lastElementChild?.remove();
  ui.history.hidden = false;
  if (context.source !== "camera" || !ui.continuous.checked) ui.result.focus({ preventScroll: false });
}

/**
 * @param {unknown} error
 * @param {{ source: string, requestedId?: string, pageUrl?: string }} context
 */
function showFailure(error, context) {
  if (error instanceof ApiError && isVerificationResult(error.body)) {
    showResult(error.body, context);
  } else if (error instanceof ApiError && error.code === "UNKNOWN_CERTIFICATE") {
    showResult({ valid: false, status: "UNKNOWN_CERTIFICATE", checks: [], certificate: null, anchor: null, warnings: [] }, context);
  } else if (error instanceof ApiError && error.status === 429) {
    showNotice(t("scan.error.rateLimited"), t("scan.error.rateLimitedHint"));
  } else {
    showNotice(t("status.UNAVAILABLE.headline"), t("scan.error.network"));
  }
}

/**
 * A decoded QR text: only verification links of this service are followed, and always on this
 * service (a code pointing elsewhere is named, not opened).
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
  const match = /\/v\/([^/]+)$/.exec(url.pathname);
  const id = match?.[1] ?? "";
  const hash = url.searchParams.get("h") ?? "";
  if (!ID_PATTERN.test(id) || !/^0x[0-9a-fA-F]{64}$/.test(hash)) {
    showNotice(t("scan.error.notLink"), t("scan.error.notLinkHint"), "invalid");
    return;
  }
  if (!ownOrigins().has(url.origin)) {
    showNotice(t("scan.error.foreign"), t("scan.error.foreignHint", { host: url.host }), "invalid");
    return;
  }
  const path = `/v/${id}?h=${hash}`;
  const context = { source, requestedId: id, pageUrl: `${path}&lang=${pageData.locale}` };
  replace(ui.resultBody, el("p", { class: "hint" }, t("scan.checking")));
  try {
    const result = await api(path);
    if (!isVerificationResult(result)) throw new ApiError(0, "MALFORMED_ANSWER", "not a verification result");
    showResult(result, context);
  } catch (error) {
    showFailure(error, context);
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
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: "environment" } } });
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
    const denied = error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "SecurityError");
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
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(await file.text());
  } catch {
    showNotice(t("scan.error.notJson"), t("scan.error.notJsonHint"), "invalid");
    return;
  }
  replace(ui.resultBody, el("p", { class: "hint" }, t("scan.checking")));
  const context = { source: "document" };
  try {
    const result = await api("/api/v1/verify", { method: "POST", body });
    if (!isVerificationResult(result)) throw new ApiError(0, "MALFORMED_ANSWER", "not a verification result");
    showResult(result, context);
  } catch (error) {
    const inner = error instanceof ApiError ? /** @type {{ result?: unknown } | null} */ (error.body)?.result : undefined;
    if (isVerificationResult(inner)) showResult(inner, context);
    else if (error instanceof ApiError && error.code === "MALFORMED") {
      showResult({ valid: false, status: "MALFORMED", checks: [], certificate: null, anchor: null, warnings: [] }, context);
    } else showFailure(error, context);
  }
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
document.addEventListener("visibilitychange", () => {
  if (document.hidden && stream) stopCamera();
});
