import { expect } from "chai";
import { CHECK_NAMES, REVOCATION_REASONS, VERIFICATION_STATUSES } from "../../server/core/verification/result.ts";
import {
  createDivisionLookup,
  dictionary,
  htmlLang,
  LOCALES,
  negotiateLocale,
  t,
  type MessageKey,
} from "../../server/i18n/index.ts";

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "").sort();
}

describe("negotiateLocale", () => {
  it("maps every Chinese variant to zh", () => {
    for (const header of ["zh-CN", "zh-Hans", "zh-TW", "zh-Hant-HK", "zh", "ZH-cn,en;q=0.5"]) {
      expect(negotiateLocale(header), header).to.equal("zh");
    }
  });

  it("follows the weights of Accept-Language, not only the order", () => {
    expect(negotiateLocale("en-US,en;q=0.9,zh-CN;q=0.8")).to.equal("en");
    expect(negotiateLocale("en;q=0.3, zh-CN;q=0.8")).to.equal("zh");
    expect(negotiateLocale("fr-FR, de;q=0.9, zh;q=0.2")).to.equal("zh");
    expect(negotiateLocale("zh;q=0, en;q=0.1")).to.equal("en");
  });

  it("defaults to English when nothing matches or nothing is sent", () => {
    expect(negotiateLocale(undefined)).to.equal("en");
    expect(negotiateLocale("")).to.equal("en");
    expect(negotiateLocale("fr-FR, de;q=0.9")).to.equal("en");
    expect(negotiateLocale("*")).to.equal("en");
    expect(negotiateLocale(";;;,,,q=")).to.equal("en");
    expect(negotiateLocale("zh;q=0")).to.equal("en");
  });

  it("lets ?lang= override the header, ignoring unsupported or non-string values", () => {
    expect(negotiateLocale("zh-CN", "en")).to.equal("en");
    expect(negotiateLocale("en-US", "zh")).to.equal("zh");
    expect(negotiateLocale("en-US", "zh-TW")).to.equal("zh");
    expect(negotiateLocale("zh-CN", "fr")).to.equal("zh");
    expect(negotiateLocale("zh-CN", ["en", "zh"])).to.equal("zh");
    expect(negotiateLocale(undefined, "")).to.equal("en");
  });

  it("gives the BCP 47 tag for <html lang>", () => {
    expect(htmlLang("zh")).to.equal("zh-CN");
    expect(htmlLang("en")).to.equal("en");
  });
});

describe("message dictionaries", () => {
  const keys = Object.keys(dictionary("en")).sort();

  it("have the same keys in both languages", () => {
    for (const locale of LOCALES) expect(Object.keys(dictionary(locale)).sort(), locale).to.deep.equal(keys);
  });

  it("have no empty or blank message", () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(dictionary(locale)))
        expect(text.trim(), `${locale} ${key}`).to.not.equal("");
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of keys as MessageKey[]) {
      expect(placeholders(dictionary("zh")[key]), key).to.deep.equal(placeholders(dictionary("en")[key]));
    }
  });

  it("are translated: every Chinese message but the brand holds Chinese characters", () => {
    for (const [key, text] of Object.entries(dictionary("zh"))) {
      if (key === "page.brand") continue;
      expect(text, key).to.match(/\p{Script=Han}/u);
    }
  });

  it("describe every status, check and revocation reason of the verification result", () => {
    for (const locale of LOCALES) {
      const messages: Readonly<Record<string, string>> = dictionary(locale);
      for (const status of VERIFICATION_STATUSES) {
        expect(messages[`status.${status}.headline`], status).to.be.a("string");
        expect(messages[`status.${status}.explanation`], status).to.be.a("string");
      }
      for (const check of CHECK_NAMES) {
        for (const part of ["name", "passed", "failed"]) expect(messages[`check.${check}.${part}`]).to.be.a("string");
      }
      for (const reason of [...Object.keys(REVOCATION_REASONS), "unknown"]) {
        expect(messages[`reason.${reason}`], reason).to.be.a("string");
      }
    }
  });

  it("never suggests forgery when the ledger is unreachable", () => {
    const unavailable = `${t("en", "status.UNAVAILABLE.headline")} ${t("en", "status.UNAVAILABLE.explanation")}`;
    expect(unavailable).to.not.match(/forg|fake|tamper|alter|invalid|do not rely/i);
    expect(t("zh", "status.UNAVAILABLE.explanation")).to.not.match(/伪造|篡改|勿采信/);
  });
});

describe("t", () => {
  it("returns the message in the requested language", () => {
    expect(t("en", "status.VALID.headline")).to.equal("Valid certificate");
    expect(t("zh", "status.VALID.headline")).to.equal("有效证书");
  });

  it("fills placeholders, numbers included", () => {
    expect(t("en", "page.checksHeading", { count: 8 })).to.equal("Checks performed (8)");
    expect(t("zh", "page.checksHeading", { count: 8 })).to.equal("核验步骤（8 项）");
  });

  it("inserts parameter values literally, without re-reading placeholders in them", () => {
    expect(t("en", "page.checkedAt", { time: "{time} $& $1" })).to.equal("Checked on {time} $& $1");
  });
});

describe("createDivisionLookup", () => {
  const lookup = createDivisionLookup({
    divisions: [
      { code: "110000", zh: "北京市", en: "Beijing" },
      { code: "130000", zh: "河北省", en: "Hebei" },
    ],
  });

  it("names a division in each language", () => {
    expect(lookup("110000", "zh")).to.equal("北京市");
    expect(lookup("130000", "en")).to.equal("Hebei");
  });

  it("returns undefined for an unknown code", () => {
    expect(lookup("999999", "en")).to.equal(undefined);
  });

  it("refuses data of another shape", () => {
    expect(() => createDivisionLookup({ divisions: [{ code: "11", zh: "北京", en: "Beijing" }] })).to.throw();
    expect(() => createDivisionLookup([])).to.throw();
  });
});
