export { QrError, type QrErrorCode } from "./errors.ts";
export {
  DEFAULT_QR_SCALE,
  MAX_QR_VERSION,
  QR_ERROR_CORRECTION,
  QR_QUIET_ZONE,
  qrPng,
  qrSvg,
  qrSymbol,
  qrVersion,
  type QrPngOptions,
} from "./qrCode.ts";
export { verificationUrl } from "./verificationUrl.ts";
