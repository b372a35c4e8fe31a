import QRCode from "qrcode";
import { QrError } from "./errors.ts";

/** Error correction M survives ~15% damage: a creased or smudged printout still scans. */
export const QR_ERROR_CORRECTION = "M";

/** Version 10 (57×57 modules) keeps modules large enough for cheap phone cameras. */
export const MAX_QR_VERSION = 10;

/** The 4-module quiet zone the QR specification requires around the symbol. */
export const QR_QUIET_ZONE = 4;

/** 8 px per module: a version-7 code with its quiet zone is 424 px wide, sharp on screen and on paper. */
export const DEFAULT_QR_SCALE = 8;

const MAX_QR_SCALE = 32;

export interface QrPngOptions {
  /** pixels per module, 1 to 32 */
  scale?: number;
}

/**
 * Encodes `text` at level M and checks the version bound. qrcode picks the smallest version,
 * mixing byte and alphanumeric segments where that is shorter.
 */
export function qrSymbol(text: string): QRCode.QRCode {
  if (text === "") throw new QrError("INVALID_QR_INPUT", "QR content must not be empty");
  let symbol: QRCode.QRCode;
  try {
    symbol = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  } catch (cause) {
    throw new QrError("QR_TOO_LONG", `QR content of ${text.length} characters does not fit any QR version`, {
      cause,
    });
  }
  if (symbol.version > MAX_QR_VERSION) {
    throw new QrError(
      "QR_TOO_LONG",
      `QR content of ${text.length} characters needs version ${symbol.version} at level ${QR_ERROR_CORRECTION}; ` +
        `the limit is ${MAX_QR_VERSION}: shorten PUBLIC_URL`,
    );
  }
  return symbol;
}

/** QR version (1-40) `text` needs at level M, after the version bound check. */
export function qrVersion(text: string): number {
  return qrSymbol(text).version;
}

/** A black-on-white PNG of the QR code for `text`, with its quiet zone. */
export async function qrPng(text: string, options: QrPngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? DEFAULT_QR_SCALE;
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_QR_SCALE) {
    throw new QrError("INVALID_QR_INPUT", `QR scale must be an integer from 1 to ${MAX_QR_SCALE}`);
  }
  const { version } = qrSymbol(text);
  return QRCode.toBuffer(text, {
    type: "png",
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    version,
    margin: QR_QUIET_ZONE,
    scale,
    color: { dark: "#000000ff", light: "#ffffffff" },
  });
}

/** An SVG of the QR code for `text` with no fixed size, so print and screen layouts can scale it. */
export async function qrSvg(text: string): Promise<string> {
  const { version } = qrSymbol(text);
  return QRCode.toString(text, {
    type: "svg",
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    version,
    margin: QR_QUIET_ZONE,
    color: { dark: "#000000ff", light: "#ffffffff" },
  });
}
