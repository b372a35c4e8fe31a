import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
  VERIFICATION_STATUSES,
  agencyNotActiveWarning,
  supersededWarning,
  type VerificationResult,
} from "../../server/core/verification/result.ts";
import { dictionary, LOCALES, t, type Locale } from "../../server/i18n/index.ts";
import {
  buildLangUrls,
  escapeHtml,
  html,
  renderResultFragment,
  renderVerifyPage,
  STATIC_DIR,
  STYLESHEET_PATH,
  statusTone,
  type VerifyPageOptions,
} from "../../server/http/rendering/index.ts";
import { attributeUrls, textOf, unbalancedTags } from "./htmlChecks.ts";
import { BUSINESS_LICENCE, CERT_ID, LEAF, PUBLIC_URL, TYPE_LABELS, divisionName, resultFor } from "./fixtures.ts";

const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

function render(result: VerificationResult, locale: Locale, extra: Partial<VerifyPageOptions> = {}): string {
  return renderVerifyPage({
    result,
    locale,
    langUrls: buildLangUrls(`/v/${CERT_ID}`, { h: LEAF, lang: locale }),
    publicUrl: PUBLIC_URL,
    requestedId: CERT_ID,
    leafHash: LEAF,
    typeLabels: TYPE_LABELS,
    divisionName,
    timeZone: "Asia/Shanghai",
    ...extra,
  });
}

function bannerClass(page: string): string | undefined {
  return /<section class="banner (banner--\w+)"/.exec(page)?.[1];
}

describe("renderVerifyPage", () => {
  describe("renders every status in both languages", () => {
    for (const status of VERIFICATION_STATUSES) {
      for (const locale of LOCALES) {
        it(`${status} (${locale})`, () => {
          const page = render(resultFor(status), locale);
          expect(page.startsWith("<!doctype html>\n<html lang=")).to.equal(true);
          expect(page).to.include(`<html lang="${locale === "zh" ? "zh-CN" : "en"}">`);
          expect(bannerClass(page)).to.equal(`banner--${statusTone(status)}`);
          expect(page).to.include(`data-status="${status}"`);
          expect(textOf(page, "verdict")).to.equal(escapeHtml(t(locale, `status.${status}.headline`)));
          expect(page).to.include(escapeHtml(t(locale, `status.${status}.explanation`)));
          expect(page).to.include(`<title>${escapeHtml(t(locale, `status.${status}.headline`))} · certledger</title>`);
          expect(page).to.match(/<svg class="banner__icon"[^>]*aria-hidden="true"/);
          expect(unbalancedTags(page)).to.deep.equal([]);
        });
      }
    }
  });

  it("says what the public page shortens and leaves out, field by field, in both languages", () => {
    const result = resultFor("VALID");
    result.certificate!.subject = { companyName: "Example Trading Co., Ltd.", legalRepresentative: "孙*例" };
    result.certificate!.disclosure = {
      view: "public",
      masked: ["legalRepresentative"],
      withheld: ["registeredCapital"],
    };
    for (const locale of LOCALES) {
      const page = render(result, locale, { certificateType: BUSINESS_LICENCE });
      expect(page).to.include(escapeHtml(t(locale, "disclosure.publicNote")));
      expect(page).to.match(/<dd class="is-masked"><span class="masked">孙\*例<\/span>/);
      expect(page).to.include(
        `<dd class="is-withheld"><span class="muted">${escapeHtml(t(locale, "disclosure.withheld"))}</span></dd>`,
      );
      expect(unbalancedTags(page)).to.deep.equal([]);
    }
  });

  it("shows a live presentation's window in the banner, and an ended one's end", () => {
    const live = resultFor("VALID");
    live.presentation = {
      presentedAt: "2026-12-01T06:05:00Z",
      expiresAt: "2026-12-01T06:10:00Z",
      fields: ["companyName"],
    };
    expect(render(live, "en")).to.include("Presented live by the holder at 14:05, valid until 14:10");
    expect(render(live, "zh")).to.include("持证人于 14:05 亮证，有效至 14:10");
    const ended = resultFor("PRESENTATION_EXPIRED");
    ended.presentation = { ...live.presentation, withdrawnAt: "2026-12-01T06:07:00Z" };
    expect(render(ended, "en")).to.include("The holder withdrew this code at 14:07");
  });

  it("renders the same result section as a fragment for the scripted pages, one heading level down", () => {
    const result = resultFor("REVOKED");
    const fragment = renderResultFragment({
      result,
      locale: "en",
      publicUrl: PUBLIC_URL,
      requestedId: CERT_ID,
      certificateType: BUSINESS_LICENCE,
      timeZone: "Asia/Shanghai",
    });
    expect(fragment).to.match(
      /^<div class="result__body" data-status="REVOKED" data-certificate-id="[0-9A-Z]{26}" data-headline="[^"]+">/,
    );
    expect(fragment).to.include(
      `<h2 id="verdict" class="banner__headline">${escapeHtml(t("en", "status.REVOKED.headline"))}</h2>`,
    );
    expect(fragment).to.include(`<h3 id="certificate-heading">`);
    expect(fragment).to.not.include("<html");
    const page = render(result, "en", { certificateType: BUSINESS_LICENCE });
    expect(page).to.include(`<h1 id="verdict" class="banner__headline">`);
    expect(unbalancedTags(fragment)).to.deep.equal([]);
  });

  it("groups statuses into the four banner tones", () => {
    expect(statusTone("VALID")).to.equal("valid");
    for (const status of [
      "REVOKED",
      "TAMPERED",
      "ISSUER_UNAUTHORIZED",
      "NOT_ANCHORED",
      "WRONG_NETWORK",
      "MALFORMED",
      "UNKNOWN_CERTIFICATE",
    ] as const) {
      expect(statusTone(status), status).to.equal("invalid");
    }
    for (const status of ["SUSPENDED", "EXPIRED", "NOT_YET_VALID"] as const)
      expect(statusTone(status), status).to.equal("caution");
    expect(statusTone("UNAVAILABLE")).to.equal("unavailable");
  });

  it("loads nothing but the same-origin stylesheet: no script, no inline style, no external URL", () => {
    for (const status of VERIFICATION_STATUSES) {
      for (const locale of LOCALES) {
        const page = render(resultFor(status), locale);
        expect(page).to.not.match(/<script|<style|\sstyle\s*=|\son\w+\s*=|<iframe|<object|<embed|<img|<form/i);
        for (const url of attributeUrls(page)) {
          expect(url, url).to.match(/^(\/(?!\/)|#)/);
        }
        expect(page.match(/<link [^>]*>/g)).to.deep.equal([`<link rel="stylesheet" href="${STYLESHEET_PATH}">`]);
      }
    }
  });

  it("escapes every value taken from the certificate, the result and the request", () => {
    const result = resultFor("VALID");
    const certificate = result.certificate!;
    certificate.subject = { companyName: XSS, [`"><b>key</b>`]: "v" };
    certificate.issuer = { name: XSS, jurisdiction: `<i>110000</i>`, agencyId: 7 };
    certificate.type = XSS;
    certificate.hiddenFields = [`subject.<u>hidden</u>`];
    certificate.supersededBy = `<s>next</s>`;
    result.warnings = [{ code: "SUPERSEDED", params: { id: XSS }, message: XSS }];
    result.checks[0]!.detail = XSS;
    const page = render(result, "en", {
      typeLabels: { en: { fields: { companyName: `<em>Company</em>` } } },
      requestedId: `"><script>x</script>`,
      leafHash: `"><script>x</script>`,
    });
    expect(page).to.not.include("<script");
    expect(page).to.not.match(/<img|<b>|<i>|<u>|<s>|<em>/);
    expect(page).to.include("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(page).to.include("&lt;em&gt;Company&lt;/em&gt;");
    expect(page).to.include("&quot;&gt;&lt;b&gt;key&lt;/b&gt;");
    expect(page).to.include("&lt;u&gt;hidden&lt;/u&gt;");
    expect(unbalancedTags(page)).to.deep.equal([]);
  });

  it("escapes the request id when no certificate could be read", () => {
    const page = render(resultFor("UNKNOWN_CERTIFICATE"), "zh", { requestedId: XSS });
    expect(page).to.not.include("<script");
    expect(page).to.include(escapeHtml(XSS));
    expect(page).to.include(t("zh", "page.requestedId"));
  });

  it("offers a language switch to the same page, keeping h and marking the current language", () => {
    const page = render(resultFor("VALID"), "zh");
    const zhUrl = escapeHtml(`/v/${CERT_ID}?h=${LEAF}&lang=zh`);
    const enUrl = escapeHtml(`/v/${CERT_ID}?h=${LEAF}&lang=en`);
    expect(page).to.include(`<a href="${zhUrl}" lang="zh-CN" hreflang="zh-CN" aria-current="true">中文</a>`);
    expect(page).to.include(`<a href="${enUrl}" lang="en" hreflang="en">English</a>`);
    expect(page).to.match(/<nav class="lang" aria-label="语言">/);
  });

  it("lists the disclosed fields with the type's labels, and hidden fields as hidden by the holder", () => {
    for (const locale of LOCALES) {
      const page = render(resultFor("VALID"), locale);
      const labels = TYPE_LABELS[locale];
      expect(page).to.include(
        `<dt>${labels.name === "营业执照" ? t(locale, "field.type") : t(locale, "field.type")}</dt><dd>${labels.name}</dd>`,
      );
      expect(page).to.include(`<dt>${labels.fields.companyName}</dt><dd>Example Trading Co., Ltd.</dd>`);
      expect(page).to.include(
        `<dt>${labels.fields.legalRepresentative}</dt><dd class="is-hidden"><span class="muted">${t(locale, "field.hidden")}</span></dd>`,
      );
      expect(page).to.include(`<dt>${labels.fields.foreignInvested}</dt><dd>${t(locale, "field.no")}</dd>`);
      expect(page).to.include(`<dd>wholesale, retail</dd>`);
    }
  });

  it("orders subject fields as the type schema lists them", () => {
    const page = render(resultFor("VALID"), "en");
    const order = [
      "Company name",
      "Legal representative",
      "Registered capital",
      "Business scope",
      "Foreign invested",
    ].map((label) => page.indexOf(`<dt>${label}</dt>`));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(order[0]).to.be.greaterThan(0);
  });

  it("shows typed fields in words with the registry's definition: options, units, dates, places", () => {
    const result = resultFor("VALID");
    result.certificate!.subject = {
      registrationAuthority: "110000",
      establishmentDate: "2019-06-30",
      registeredCapital: 5000000,
      entityType: "limited-liability-company",
      companyName: "Example Trading Co., Ltd.",
      extraField: "kept",
    };
    const zh = render(result, "zh", { certificateType: BUSINESS_LICENCE, typeLabels: {} });
    expect(zh).to.include("<dt>证书类型</dt><dd>营业执照</dd>");
    expect(zh).to.include("<dt>类型</dt><dd>有限责任公司</dd>");
    expect(zh).to.include("<dt>注册资本</dt><dd>5,000,000 元</dd>");
    expect(zh).to.include(`<dt>成立日期</dt><dd><time datetime="2019-06-30">2019年6月30日</time></dd>`);
    expect(zh).to.include("<dt>登记地</dt><dd>北京市 (110000)</dd>");
    expect(zh).to.include(`<dt>法定代表人</dt><dd class="is-hidden">`);
    expect(zh).to.include("<dt>extraField</dt><dd>kept</dd>");
    const order = ["名称", "类型", "法定代表人", "注册资本", "成立日期", "登记地", "extraField"].map((label) =>
      zh.indexOf(`<dt>${label}</dt>`),
    );
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    const en = render(result, "en", { certificateType: BUSINESS_LICENCE });
    expect(en).to.include("<dt>Type of entity</dt><dd>Limited liability company</dd>");
    expect(en).to.include("<dt>Registered capital</dt><dd>5,000,000 CNY</dd>");
    expect(en).to.include("<dt>Registered in</dt><dd>Beijing (110000)</dd>");
  });

  it("shows a value the definition does not know as stored, escaped", () => {
    const result = resultFor("TAMPERED");
    result.certificate!.subject = { entityType: "<b>odd</b>", registeredCapital: "12", establishmentDate: "someday" };
    const page = render(result, "en", { certificateType: BUSINESS_LICENCE });
    expect(page).to.include("<dt>Type of entity</dt><dd>&lt;b&gt;odd&lt;/b&gt;</dd>");
    expect(page).to.include("<dt>Registered capital</dt><dd>12</dd>");
    expect(page).to.include(`<dt>Date of establishment</dt><dd>someday</dd>`);
  });

  it("falls back to field names when the type has no labels", () => {
    const page = render(resultFor("VALID"), "en", { typeLabels: {} });
    expect(page).to.include(`<dt>companyName</dt>`);
    expect(page).to.include(`<dt>Certificate type</dt><dd>business-licence</dd>`);
  });

  it("names the agency and the jurisdiction in the reader's language", () => {
    expect(render(resultFor("VALID"), "zh")).to.include("<dd>北京市 (110000)</dd>");
    expect(render(resultFor("VALID"), "en")).to.include("<dd>Beijing (110000)</dd>");
    expect(render(resultFor("VALID"), "en", { divisionName: () => undefined })).to.include("<dd>110000</dd>");
    expect(render(resultFor("VALID"), "en")).to.include("<dd>Demo Market Regulation Bureau</dd>");
  });

  it("shows the validity window and marks an open end", () => {
    const result = resultFor("VALID");
    const page = render(result, "zh");
    expect(page).to.include(`<time datetime="2025-01-01">2025年1月1日</time>`);
    expect(page).to.include(`<time datetime="2045-01-01">2045年1月1日</time>`);
    delete result.certificate!.validUntil;
    expect(render(result, "en")).to.include(`<dt>Valid until</dt><dd>No end date</dd>`);
  });

  it("gives the revocation reason and time in words", () => {
    const en = render(resultFor("REVOKED"), "en");
    expect(en).to.include("Why it was revoked");
    expect(en).to.include("<dd>The issuing key was compromised</dd>");
    expect(en).to.include(`<time datetime="2026-03-04T05:06:07Z">March 4, 2026 13:06 (UTC+8)</time>`);
    const zh = render(resultFor("SUSPENDED"), "zh");
    expect(zh).to.include("暂停原因");
    expect(zh).to.include("<dd>暂时冻结</dd>");
    const batch = resultFor("REVOKED");
    batch.revocation = { ...batch.revocation!, scope: "batch", reason: "unknown" };
    const batchPage = render(batch, "en");
    expect(batchPage).to.include(t("en", "revocation.batch"));
    expect(batchPage).to.include(t("en", "reason.unknown"));
  });

  it("says every warning in the reader's language from its code and parameters, never the engine's English", () => {
    const result = resultFor("VALID");
    result.warnings = [supersededWarning("01JE00000000000000000000AB"), agencyNotActiveWarning("suspended")];
    for (const locale of ["zh", "en"] as const) {
      const page = render(result, locale);
      expect(page).to.include(t(locale, "warning.SUPERSEDED", { id: "01JE00000000000000000000AB" }));
      expect(page).to.include(
        t(locale, "warning.AGENCY_NOT_ACTIVE", { agencyStatus: t(locale, "agencyStatus.suspended") }),
      );
      expect(page).to.not.include("superseded by 01JE");
      expect(page).to.not.include("the issuing agency is now");
      expect(page).to.not.match(/<li[^>]* lang="en"/);
    }
    expect(render(resultFor("VALID"), "en")).to.not.include(t("en", "page.warningsHeading"));
  });

  it("lists the ordered checks in a collapsible block, translated by name and outcome", () => {
    const page = render(resultFor("REVOKED"), "zh");
    const details =
      /<details class="card disclosure">\s*<summary>核验步骤（7 项）<\/summary>([\s\S]*?)<\/details>/.exec(page)?.[1] ??
      "";
    const names = [...details.matchAll(/<p class="check__name">([^:]+):/g)].map((m) => m[1]);
    expect(names).to.deep.equal(
      ["format", "integrity", "merkleProof", "network", "anchored", "issuer", "status"].map((c) =>
        t("zh", `check.${c as "format"}.name`),
      ),
    );
    expect(details.match(/check--passed/g)).to.have.length(6);
    expect(details).to.include(`<li class="check check--failed">`);
    expect(details).to.include(t("zh", "check.status.failed"));
    expect(details).to.include(`<span lang="en">status check failed</span>`);
  });

  it("shows the ledger record for those who check it themselves", () => {
    const page = render(resultFor("VALID"), "en");
    const details = /<summary>Ledger record<\/summary>([\s\S]*?)<\/details>/.exec(page)?.[1] ?? "";
    expect(details).to.include("<dd>31337</dd>");
    expect(details).to.include(`<code class="mono">0x5FbDB2315678afecb367f032d93F642f64180aa3</code>`);
    expect(details).to.include(`0x${"2b".repeat(32)}`);
    expect(details).to.include(`<dt>Block</dt><dd>42</dd>`);
    expect(details).to.include(`0x${"1a".repeat(32)}`);
    expect(details).to.include(LEAF);
    expect(details).to.include(`${PUBLIC_URL}/v/${CERT_ID}?h=${LEAF}`);
  });

  it("never presents UNAVAILABLE as forgery: grey banner, checks not run instead of failed", () => {
    const page = render(resultFor("UNAVAILABLE"), "en");
    expect(bannerClass(page)).to.equal("banner--unavailable");
    expect(page).to.not.match(/check--failed|notice--invalid|banner--invalid/);
    expect(page).to.include(`<li class="check check--unchecked">`);
    expect(page).to.include(t("en", "page.unchecked"));
    expect(page).to.include(t("en", "page.anchorUnreachable"));
    const text = page.replace(/<[^>]+>/g, " ");
    expect(text).to.not.match(/forg|fake|tamper|altered|do not rely/i);
  });

  it("tells the reader not to rely on details that could not be confirmed", () => {
    const page = render(resultFor("TAMPERED"), "en");
    expect(page).to.include(`<p class="notice notice--invalid">${t("en", "page.unconfirmed")}</p>`);
    expect(render(resultFor("EXPIRED"), "en")).to.include(t("en", "page.compareHint"));
  });

  it("never echoes h as the fingerprint or link unless the certificate was proven", () => {
    const malformed = render(resultFor("VALID"), "en", { leafHash: "0xnothex" });
    expect(malformed).to.not.include("0xnothex");
    expect(malformed).to.not.include(t("en", "anchor.leaf"));
    const tampered = render(resultFor("TAMPERED"), "en");
    expect(tampered).to.not.include(`<code class="mono">${LEAF}</code>`);
    expect(tampered).to.not.include(t("en", "page.verificationLink"));
  });

  it("shows when the check ran, when told", () => {
    const page = render(resultFor("VALID"), "en", { checkedAt: new Date("2026-11-26T07:30:00Z") });
    expect(page).to.include("Checked on November 26, 2026 15:30 (UTC+8)");
    expect(
      render(resultFor("VALID"), "en", { timeZone: "UTC", checkedAt: new Date("2026-11-26T07:30:00Z") }),
    ).to.include("November 26, 2026 07:30 (UTC)");
  });

  it("uses only messages that exist in both dictionaries (no key leaks into the page)", () => {
    for (const locale of LOCALES) {
      const page = render(resultFor("REVOKED"), locale);
      expect(page).to.not.match(
        /\b(status|check|reason|page|field|anchor|revocation)\.[a-zA-Z_]+\.?[a-zA-Z]*\b(?![^<]*<\/code>)/,
      );
      expect(page).to.not.match(/\{\w+\}/);
    }
    expect(Object.keys(dictionary("zh"))).to.have.length(Object.keys(dictionary("en")).length);
  });
});

describe("buildLangUrls", () => {
  it("sets lang and keeps the other parameters", () => {
    expect(buildLangUrls("/v/ABC", { h: "0x12", lang: "en", n: ["1", "2"] })).to.deep.equal({
      zh: "/v/ABC?h=0x12&lang=zh&n=1&n=2",
      en: "/v/ABC?h=0x12&lang=en&n=1&n=2",
    });
    expect(buildLangUrls("/", new URLSearchParams("a=%3Cb%3E"))).to.deep.equal({
      zh: "/?a=%3Cb%3E&lang=zh",
      en: "/?a=%3Cb%3E&lang=en",
    });
  });

  it("keeps links on this site even for a path starting with // or \\", () => {
    expect(buildLangUrls("//evil.example/x", {}).en).to.equal("/evil.example/x?lang=en");
    expect(buildLangUrls("/\\evil.example", {}).en).to.equal("/evil.example?lang=en");
  });
});

describe("html template tag", () => {
  it("escapes interpolated text and attribute values, and keeps nested templates", () => {
    const value = `"'<>&`;
    expect(html`<p title="${value}">${value}${html`<b>${value}</b>`}</p>`.value).to.equal(
      `<p title="&quot;&#39;&lt;&gt;&amp;">&quot;&#39;&lt;&gt;&amp;<b>&quot;&#39;&lt;&gt;&amp;</b></p>`,
    );
  });

  it("renders numbers, skips null, undefined and false, and joins arrays", () => {
    expect(html`${0}|${null}|${undefined}|${false}|${["<a>", html`<i></i>`]}`.value).to.equal("0||||&lt;a&gt;<i></i>");
  });
});

describe("stylesheet", () => {
  const file = join(STATIC_DIR, STYLESHEET_PATH.replace(/^\/static\//, ""));

  it("is served from STATIC_DIR at STYLESHEET_PATH and stays under 8 KB", () => {
    expect(statSync(file).size).to.be.below(8 * 1024);
  });

  it("styles every banner tone and loads no external resource", () => {
    const css = readFileSync(file, "utf8");
    for (const tone of ["valid", "invalid", "caution", "unavailable"]) expect(css).to.include(`.banner--${tone}`);
    expect(css).to.not.match(/@import|url\(/);
    expect(css).to.include(":focus-visible");
  });
});
