/* global window, createImageBitmap, document */
/**
 * Reads QR codes from pixels: the browser's BarcodeDetector where it exists (Android, macOS),
 * otherwise jsQR, loaded from this service only when the first code is to be read so the page
 * itself stays light.
 */
import { loadScript } from "./dom.js";

/** @typedef {(canvas: HTMLCanvasElement, thorough: boolean) => Promise<string | null>} Decode */

/** @returns {Promise<Decode | null>} */
async function nativeDecoder() {
  const Detector = /** @type {BarcodeDetectorClass | undefined} */ (
    /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (window)).BarcodeDetector
  );
  if (!Detector) return null;
  try {
    const formats = await Detector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
  } catch {
    return null;
  }
  const detector = new Detector({ formats: ["qr_code"] });
  return async (canvas) => {
    const codes = await detector.detect(canvas);
    return codes[0]?.rawValue ?? null;
  };
}

/** @returns {Promise<Decode>} */
async function jsQrDecoder() {
  await loadScript("/static/vendor/jsqr.js");
  const jsQR = window.jsQR;
  if (!jsQR) throw new Error("jsQR did not load");
  return async (canvas, thorough) => {
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) return null;
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(image.data, image.width, image.height, {
      inversionAttempts: thorough ? "attemptBoth" : "dontInvert",
    });
    return Promise.resolve(code?.data ?? null);
  };
}

/** @returns {Promise<Decode>} */
export async function createDecoder() {
  return (await nativeDecoder()) ?? (await jsQrDecoder());
}

/**
 * Draws an image or video frame onto `canvas`, at most `maxSide` pixels on its longer side.
 * @param {HTMLCanvasElement} canvas
 * @param {CanvasImageSource} source
 * @param {number} width
 * @param {number} height
 * @param {number} maxSide
 */
export function drawScaled(canvas, source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context?.drawImage(source, 0, 0, canvas.width, canvas.height);
}

/**
 * A QR code in a photo: tried at a few sizes, because jsQR misses small codes in large photos and
 * large codes are slow at full resolution.
 * @param {Decode} decode
 * @param {Blob} file
 */
export async function decodeImageFile(decode, file) {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = document.createElement("canvas");
    for (const side of [1024, 2048, 640]) {
      drawScaled(canvas, bitmap, bitmap.width, bitmap.height, side);
      const text = await decode(canvas, true);
      if (text) return text;
    }
    return null;
  } finally {
    bitmap.close();
  }
}
