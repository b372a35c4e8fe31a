import jsQRModule from "jsqr";
import { PNG } from "pngjs";

// jsqr is a CommonJS bundle whose types declare an ES default export: under NodeNext it sits on `.default`.
const jsQR = jsQRModule.default;

/** Decodes a QR PNG with jsQR, a decoder independent of the encoder under test. */
export function decodeQrPng(png: Buffer): { text: string; version: number } | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return found ? { text: found.data, version: found.version } : null;
}
