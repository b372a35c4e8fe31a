import { expect } from "chai";
import { PNG } from "pngjs";
import {
  MAX_QR_VERSION,
  QR_QUIET_ZONE,
  QrError,
  qrPng,
  qrSvg,
  qrVersion,
  verificationUrl,
} from "../../server/qr/index.ts";
import { decodeQrPng } from "./decode.ts";
import { isWellFormedXml } from "./wellFormedXml.ts";

const LEAF = `0x${"9f".repeat(32)}`;
const ULID = "01JD5X8ZK3QW4E5R6T7Y8V9W0X";
const LONG_PUBLIC_URL = "https://verify.example.gov.cn";

function expectQrError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(QrError);
    expect((error as QrError).code).to.equal(code);
    return;
  }
  expect.fail(`expected a QrError ${code}`);
}

async function expectQrRejection(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(QrError);
    expect((error as QrError).code).to.equal(code);
    return;
  }
  expect.fail(`expected a QrError ${code}`);
}

describe("verificationUrl", () => {
  it("builds PUBLIC_URL/v/<id>?h=<leafHash>", () => {
    expect(verificationUrl("https://verify.example.gov.cn", ULID, LEAF)).to.equal(
      `https://verify.example.gov.cn/v/${ULID}?h=${LEAF}`,
    );
  });

  it("keeps a path prefix, drops trailing slashes and lowercases the hash", () => {
    const upper = `0x${"AB".repeat(32)}`;
    expect(verificationUrl("https://gov.example.cn/certledger/", ULID, upper)).to.equal(
      `https://gov.example.cn/certledger/v/${ULID}?h=0x${"ab".repeat(32)}`,
    );
  });

  it("refuses a PUBLIC_URL with a query, fragment, credentials or another scheme", () => {
    for (const bad of [
      "https://a.cn/?x=1",
      "https://a.cn/#x",
      "https://u:p@a.cn",
      "ftp://a.cn",
      "javascript:alert(1)",
      "a.cn",
    ]) {
      expectQrError(() => verificationUrl(bad, ULID, LEAF), "INVALID_QR_INPUT");
    }
  });

  it("refuses ids and hashes that are not URL-safe tokens", () => {
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, "../admin", LEAF), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, "a?b=c", LEAF), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, "", LEAF), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, ULID, "9f".repeat(32)), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, ULID, `0x${"9f".repeat(31)}`), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, ULID, `0x${"zz".repeat(32)}`), "INVALID_QR_INPUT");
  });

  it("checks a new PUBLIC_URL even after another passed, and still every id and hash", () => {
    expect(verificationUrl(LONG_PUBLIC_URL, ULID, LEAF.toUpperCase().replace("0X", "0x"))).to.equal(
      verificationUrl(LONG_PUBLIC_URL, ULID, LEAF),
    );
    expectQrError(() => verificationUrl("https://u:p@a.cn", ULID, LEAF), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, "../admin", LEAF), "INVALID_QR_INPUT");
    expectQrError(() => verificationUrl(LONG_PUBLIC_URL, ULID, `0x${"zz".repeat(32)}`), "INVALID_QR_INPUT");
    expect(verificationUrl("https://a.cn/x/", ULID, LEAF)).to.equal(`https://a.cn/x/v/${ULID}?h=${LEAF}`);
  });
});

describe("isWellFormedXml (test helper)", () => {
  it("tells well-formed from broken markup", () => {
    expect(isWellFormedXml('<svg a="1"><path d="M0 0"/></svg>\n')).to.equal(true);
    expect(isWellFormedXml("<svg><path></svg>")).to.equal(false);
    expect(isWellFormedXml("<svg a=1></svg>")).to.equal(false);
    expect(isWellFormedXml("<svg>a & b</svg>")).to.equal(false);
    expect(isWellFormedXml("<svg></svg><svg></svg>")).to.equal(false);
  });
});

describe("QR codes", () => {
  const realisticUrl = verificationUrl(LONG_PUBLIC_URL, ULID, LEAF);

  it("fits a realistic verification URL well within version 10 at level M", () => {
    expect(realisticUrl).to.have.length(127);
    expect(qrVersion(realisticUrl)).to.equal(7);
  });

  it("encodes a PNG that jsQR decodes back to the exact URL, at the version computed", async () => {
    const png = await qrPng(realisticUrl);
    const decoded = decodeQrPng(png);
    expect(decoded?.text).to.equal(realisticUrl);
    expect(decoded?.version).to.equal(qrVersion(realisticUrl));
  });

  it("decodes across URL shapes: localhost, path prefix, plain http", async () => {
    const urls = [
      verificationUrl("http://127.0.0.1:3000", ULID, LEAF),
      verificationUrl("https://zwfw.example.gov.cn/certledger", "01ARZ3NDEKTSV4RRFFQ69G5FAV", `0x${"0a".repeat(32)}`),
    ];
    for (const url of urls) {
      expect(decodeQrPng(await qrPng(url))?.text).to.equal(url);
    }
  });

  it("draws a white quiet zone of 4 modules at the requested scale", async () => {
    const scale = 6;
    const image = PNG.sync.read(await qrPng(realisticUrl, { scale }));
    const modules = 17 + 4 * qrVersion(realisticUrl) + 2 * QR_QUIET_ZONE;
    expect(image.width).to.equal(modules * scale);
    const quietPixels = QR_QUIET_ZONE * scale;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < quietPixels; x++) {
        expect(image.data[(y * image.width + x) * 4], `pixel ${x},${y}`).to.equal(255);
      }
    }
    const firstFinderPixel = (quietPixels * image.width + quietPixels) * 4;
    expect(image.data[firstFinderPixel]).to.equal(0);
  });

  it("still decodes at the smallest scale a phone screen would show (2 px per module)", async () => {
    expect(decodeQrPng(await qrPng(realisticUrl, { scale: 2 }))?.text).to.equal(realisticUrl);
  });

  it("refuses a scale outside 1 to 32", async () => {
    await expectQrRejection(qrPng(realisticUrl, { scale: 0 }), "INVALID_QR_INPUT");
    await expectQrRejection(qrPng(realisticUrl, { scale: 2.5 }), "INVALID_QR_INPUT");
    await expectQrRejection(qrPng(realisticUrl, { scale: 33 }), "INVALID_QR_INPUT");
  });

  it("produces valid SVG XML holding a path, with the quiet zone in its viewBox", async () => {
    const svg = await qrSvg(realisticUrl);
    expect(isWellFormedXml(svg)).to.equal(true);
    expect(svg).to.match(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).to.match(/<path [^>]*d="M/);
    const modules = 17 + 4 * qrVersion(realisticUrl) + 2 * QR_QUIET_ZONE;
    expect(svg).to.include(`viewBox="0 0 ${modules} ${modules}"`);
  });

  it(`refuses content that needs more than version ${MAX_QR_VERSION}, with a clear error`, async () => {
    const tooLong = verificationUrl(`https://verify.example.gov.cn/${"p".repeat(120)}`, ULID, LEAF);
    expectQrError(() => qrVersion(tooLong), "QR_TOO_LONG");
    await expectQrRejection(qrPng(tooLong), "QR_TOO_LONG");
    await expectQrRejection(qrSvg(tooLong), "QR_TOO_LONG");
    try {
      qrVersion(tooLong);
    } catch (error) {
      expect((error as Error).message).to.match(/needs version 1[1-9].*limit is 10/);
    }
  });

  it("accepts the longest PUBLIC_URL that still fits version 10", () => {
    const fitting = verificationUrl(`https://verify.example.gov.cn/${"p".repeat(80)}`, ULID, LEAF);
    expect(qrVersion(fitting)).to.be.at.most(MAX_QR_VERSION);
  });

  it("refuses content beyond any QR version and empty content", () => {
    expectQrError(() => qrVersion("x".repeat(5000)), "QR_TOO_LONG");
    expectQrError(() => qrVersion(""), "INVALID_QR_INPUT");
  });
});
