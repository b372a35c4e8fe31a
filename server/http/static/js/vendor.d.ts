/* Globals set by the vendor scripts the pages load on demand (see server/http/pages/vendorAssets.ts). */
interface JsQrCode {
  data: string;
}
interface JsZipInstance {
  file(name: string, data: Blob | string): JsZipInstance;
  generateAsync(options: { type: "blob"; compression?: "STORE" | "DEFLATE" }): Promise<Blob>;
}
interface Window {
  jsQR?: (
    data: Uint8ClampedArray,
    width: number,
    height: number,
    options?: { inversionAttempts?: string },
  ) => JsQrCode | null;
  JSZip?: new () => JsZipInstance;
}
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorInstance {
  detect(source: CanvasImageSource | ImageBitmap): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
}
