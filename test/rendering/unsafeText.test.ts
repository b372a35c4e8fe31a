import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
  firstUnsafeCharacter,
  showUnsafeCharacters,
  UNSAFE_CHARACTER,
  unencodableJson,
} from "../../server/core/validation/unsafeText.ts";
import { buildLangUrls, renderVerifyPage, STATIC_DIR } from "../../server/http/rendering/index.ts";
import { CERT_ID, LEAF, PUBLIC_URL, TYPE_LABELS, divisionName, resultFor } from "./fixtures.ts";

describe("unsafe text: refused at issuance, shown escaped on pages", () => {
  it("finds controls, bidirectional and invisible format characters, separators and lone surrogates", () => {
    for (const char of [
      "\u0000",
      "\u0007",
      "\u001b",
      "\t",
      "\n",
      "\u0085",
      "\u00ad",
      "\u061c",
      "\u200b",
      "\u200e",
      "\u202a",
      "\u202e",
      "\u2066",
      "\u2069",
      "\u2028",
      "\u2029",
      "\ufeff",
      "\ufffe",
      "\ud800",
      "\udfff",
      "\u{e0041}",
    ]) {
      expect(firstUnsafeCharacter(`示例${char}公司`), JSON.stringify(char)).to.equal(
        `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
      );
    }
  });

  it("leaves ordinary text of any script alone, emoji and joiners included", () => {
    for (const text of ["北京示例科技有限公司", "Müller-Lüdenscheidt", "محمد", "क्‍ष", "👩‍💻 😀", "No. 3, 东城区"]) {
      expect(firstUnsafeCharacter(text), text).to.equal(null);
      expect(showUnsafeCharacters(text)).to.equal(text);
    }
  });

  it("shows each unsafe character as its code point, so nothing reorders or hides on screen", () => {
    expect(showUnsafeCharacters("Bank\u202e\u0000 of \ud800")).to.equal("Bank⟨U+202E⟩⟨U+0000⟩ of ⟨U+D800⟩");
  });

  it("is the same set in the browser scripts", () => {
    const script = readFileSync(join(STATIC_DIR, "js", "visibleText.js"), "utf8");
    const literal = /UNSAFE_CHARACTERS = \/(.+)\/gu;/.exec(script)?.[1];
    expect(literal).to.equal(UNSAFE_CHARACTER.source);
  });

  it("refuses JSON a canonical form cannot encode, and nesting past the limit, without recursion", () => {
    expect(unencodableJson({ a: ["ok", { b: 1 }] })).to.equal(null);
    expect(unencodableJson({ a: ["\udc00"] })).to.match(/lone surrogate/);
    expect(unencodableJson({ ["\ud800"]: 1 })).to.match(/lone surrogate/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unencodableJson(deep)).to.match(/nested deeper/);
  });

  it("renders a spoofing name on the public page escaped, never as the raw characters", () => {
    const result = resultFor("VALID");
    if (!result.certificate) throw new Error("fixture without certificate");
    result.certificate.subject.companyName = "Example \u202egnidarT\u202c Co.\u0007";
    result.certificate.issuer.name = "Bureau\u2066\u0000";
    const page = renderVerifyPage({
      result,
      locale: "en",
      langUrls: buildLangUrls(`/v/${CERT_ID}`, { h: LEAF }),
      publicUrl: PUBLIC_URL,
      requestedId: CERT_ID,
      leafHash: LEAF,
      typeLabels: TYPE_LABELS,
      divisionName,
      timeZone: "Asia/Shanghai",
    });
    expect(page).to.include("Example ⟨U+202E⟩gnidarT⟨U+202C⟩ Co.⟨U+0007⟩");
    expect(page).to.include("Bureau⟨U+2066⟩⟨U+0000⟩");
    expect(firstUnsafeCharacter(page.replace(/\n/g, ""))).to.equal(null);
  });
});
