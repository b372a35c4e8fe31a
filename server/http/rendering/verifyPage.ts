import type { CertificateType } from "../../core/index.ts";
import type {
  AnchorInfo,
  Check,
  IssuingServiceInfo,
  VerificationResult,
  VerificationStatus,
  VerificationWarning,
  VerifiedCertificate,
} from "../../core/verification/result.ts";
import { t, type DivisionName, type Locale, type MessageKey } from "../../i18n/index.ts";
import { QrError, verificationUrl } from "../../qr/index.ts";
import { formatClock, formatDateTime } from "./format.ts";
import { html, raw, type HtmlValue, type SafeHtml } from "./html.ts";
import { checkIcon, toneIcon } from "./icons.ts";
import { renderLayout } from "./layout.ts";
import { isContentConfirmed, statusTone } from "./statusTone.ts";
import { subjectDisplay, type SubjectDisplay, type TypeLabels } from "./subjectFields.ts";

export type { TypeLabels } from "./subjectFields.ts";

export interface VerifyPageOptions {
  result: VerificationResult;
  locale: Locale;
  /** the same page in each language (see `buildLangUrls`) */
  langUrls: Readonly<Record<Locale, string>>;
  /** PUBLIC_URL, to show the canonical verification link */
  publicUrl: string;
  /** the `:id` of the request, shown when no certificate could be read */
  requestedId: string;
  /** the `h` query value, shown as the certificate's fingerprint when it is a well-formed hash */
  leafHash?: string;
  /**
   * the certificate's type from the registry: labels, enum option names, units, dates and
   * jurisdictions are then shown in the reader's language
   */
  certificateType?: CertificateType;
  /** labels of the certificate's type, per language; ignored when `certificateType` is given */
  typeLabels?: Partial<Readonly<Record<Locale, TypeLabels>>>;
  /** names of jurisdictions (administrative-division codes) */
  divisionName?: DivisionName;
  /** IANA time zone for instants (anchoring, revocation); default UTC */
  timeZone?: string;
  /** when the verification ran, shown in the footer */
  checkedAt?: Date;
}

interface Context {
  locale: Locale;
  timeZone: string;
  display: SubjectDisplay;
  /** heading level of the verdict: 1 on the page, 2 inside another page (scan, holder) */
  level: 1 | 2;
}

/** A heading `depth` levels below the verdict's. */
function heading(ctx: Context, depth: 0 | 1, id: string, text: string, className?: string): SafeHtml {
  const level = ctx.level + depth;
  return html`${raw(`<h${level} id="${id}"`)}${className ? html` class="${className}"` : ""}>${text}${raw(`</h${level}>`)}`;
}

/** Document-level fields with a generic label, kept out of the subject list. */
const DOCUMENT_FIELD_KEYS = {
  id: "field.id",
  type: "field.type",
  issuedAt: "field.issuedAt",
  validFrom: "field.validFrom",
  validUntil: "field.validUntil",
  supersedes: "field.supersedes",
} as const satisfies Record<string, MessageKey>;

type DocumentField = keyof typeof DOCUMENT_FIELD_KEYS;

function isDocumentField(name: string): name is DocumentField {
  return Object.hasOwn(DOCUMENT_FIELD_KEYS, name);
}

function subjectFieldName(hiddenName: string): string {
  return hiddenName.replace(/^subject\./, "");
}

function isIssuerField(name: string): boolean {
  return name === "issuer" || name.startsWith("issuer.");
}

function entry(label: string, value: HtmlValue, ddClass?: string): SafeHtml {
  return html`<div class="field"><dt>${label}</dt><dd${ddClass ? html` class="${ddClass}"` : ""}>${value}</dd></div>`;
}

function code(value: string): SafeHtml {
  return html`<code class="mono">${value}</code>`;
}

function time(value: string, ctx: Context): HtmlValue {
  if (Number.isNaN(Date.parse(value))) return value;
  return html`<time datetime="${value}">${formatDateTime(value, ctx.locale, ctx.timeZone)}</time>`;
}

function hiddenValue(ctx: Context): SafeHtml {
  return html`<span class="muted">${t(ctx.locale, "field.hidden")}</span>`;
}

function valueText(value: unknown, ctx: Context): HtmlValue {
  if (value === null || value === undefined || value === "") {
    return html`<span class="muted">${t(ctx.locale, "field.empty")}</span>`;
  }
  if (typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return t(ctx.locale, value ? "field.yes" : "field.no");
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number")) {
    return value.join(", ");
  }
  return code(JSON.stringify(value));
}

/** "Presented live by the holder at hh:mm, valid until hh:mm", or when an expired code ended. */
function presentationLine(result: VerificationResult, ctx: Context): SafeHtml {
  const presentation = result.presentation;
  if (!presentation) return html``;
  const clock = (value: string) => formatClock(value, ctx.locale, ctx.timeZone);
  if (result.status !== "PRESENTATION_EXPIRED") {
    return html`<p class="banner__live" data-live="true">${t(ctx.locale, "presentation.banner", { from: clock(presentation.presentedAt), until: clock(presentation.expiresAt) })}</p>`;
  }
  return presentation.withdrawnAt
    ? html`<p class="banner__live">${t(ctx.locale, "presentation.withdrawnAt", { time: clock(presentation.withdrawnAt) })}</p>`
    : html`<p class="banner__live">${t(ctx.locale, "presentation.expiredAt", { time: clock(presentation.expiresAt) })}</p>`;
}

function banner(result: VerificationResult, ctx: Context): SafeHtml {
  const { status, revocation } = result;
  const tone = statusTone(status);
  const facts = revocation
    ? html`${heading(ctx, 1, "revocation-heading", t(ctx.locale, revocation.state === "revoked" ? "revocation.heading.revoked" : "revocation.heading.suspended"), "banner__subhead")}
<dl class="fields banner__facts">
${entry(t(ctx.locale, "revocation.reason"), t(ctx.locale, `reason.${revocation.reason}`))}
${revocation.at ? entry(t(ctx.locale, "revocation.at"), time(revocation.at, ctx)) : ""}
</dl>
${revocation.scope === "batch" ? html`<p>${t(ctx.locale, "revocation.batch")}</p>` : ""}`
    : "";
  return html`<section class="banner banner--${tone}" data-status="${status}" aria-labelledby="verdict">
${toneIcon(tone)}
<div class="banner__text">
<p class="banner__label">${t(ctx.locale, "page.resultLabel")}</p>
${heading(ctx, 0, "verdict", t(ctx.locale, `status.${status}.headline`), "banner__headline")}
<p class="banner__explanation">${t(ctx.locale, `status.${status}.explanation`)}</p>
${presentationLine(result, ctx)}
${facts}
</div>
</section>`;
}

/** Subject field names in the type schema's order, then any the schema does not list. */
function orderedSubjectFields(certificate: VerifiedCertificate, display: SubjectDisplay): string[] {
  const hidden = certificate.hiddenFields
    .map(subjectFieldName)
    .filter((name) => !isDocumentField(name) && !isIssuerField(name));
  const present = new Set([
    ...Object.keys(certificate.subject),
    ...hidden,
    ...(certificate.disclosure?.withheld ?? []),
  ]);
  const schemaOrder = [...display.fields.keys()].filter((name) => present.has(name));
  return [...new Set([...schemaOrder, ...present])];
}

function contentNotice(status: VerificationStatus, ctx: Context): SafeHtml {
  if (isContentConfirmed(status)) return html`<p class="hint">${t(ctx.locale, "page.compareHint")}</p>`;
  if (status === "UNAVAILABLE")
    return html`<p class="notice notice--unavailable">${t(ctx.locale, "page.unchecked")}</p>`;
  return html`<p class="notice notice--invalid">${t(ctx.locale, "page.unconfirmed")}</p>`;
}

/** What the public page or a live presentation leaves out or shortens, said once above the fields. */
function disclosureNotice(certificate: VerifiedCertificate, ctx: Context): SafeHtml {
  const disclosure = certificate.disclosure;
  if (disclosure?.view === "public" && disclosure.masked.length + disclosure.withheld.length > 0) {
    return html`<p class="notice notice--disclosure">${t(ctx.locale, "disclosure.publicNote")}</p>`;
  }
  if (disclosure?.view === "presentation") return html`<p class="hint">${t(ctx.locale, "presentation.fieldsNote")}</p>`;
  return html``;
}

function subjectEntry(certificate: VerifiedCertificate, name: string, ctx: Context): SafeHtml {
  const field = ctx.display.fields.get(name);
  const label = field?.label ?? name;
  const disclosure = certificate.disclosure;
  if (disclosure?.withheld.includes(name)) {
    const why = disclosure.view === "public" ? "disclosure.withheld" : "disclosure.notPresented";
    return entry(label, html`<span class="muted">${t(ctx.locale, why)}</span>`, "is-withheld");
  }
  if (!Object.hasOwn(certificate.subject, name)) return entry(label, hiddenValue(ctx), "is-hidden");
  const value = certificate.subject[name];
  if (disclosure?.masked.includes(name)) {
    return entry(
      label,
      html`<span class="masked">${valueText(value, ctx)}</span> <span class="muted">(${t(ctx.locale, "disclosure.masked")})</span>`,
      "is-masked",
    );
  }
  if (field?.isDate && typeof value === "string") return entry(label, time(value, ctx));
  return entry(label, field?.text(value) ?? valueText(value, ctx));
}

function certificateSection(certificate: VerifiedCertificate, status: VerificationStatus, ctx: Context): SafeHtml {
  const subjectEntries = orderedSubjectFields(certificate, ctx.display).map((name) =>
    subjectEntry(certificate, name, ctx),
  );
  const typeName = ctx.display.typeName ?? certificate.type;
  return html`<section class="card" aria-labelledby="certificate-heading">
${heading(ctx, 1, "certificate-heading", t(ctx.locale, "page.certificateHeading"))}
${contentNotice(status, ctx)}
${disclosureNotice(certificate, ctx)}
<dl class="fields">
${entry(t(ctx.locale, "field.type"), typeName)}
${entry(t(ctx.locale, "field.id"), code(certificate.id))}
${subjectEntries}
</dl>
</section>`;
}

function divisionText(code: string, ctx: Context, divisionName: DivisionName | undefined): string {
  const name = divisionName?.(code, ctx.locale);
  return name ? `${name} (${code})` : code;
}

function issuerSection(
  certificate: VerifiedCertificate | null,
  anchor: AnchorInfo | null,
  ctx: Context,
  divisionName: DivisionName | undefined,
  issuingService?: IssuingServiceInfo,
): SafeHtml {
  const issuer = certificate?.issuer ?? {};
  const agencyId = issuer.agencyId ?? anchor?.agencyId;
  const jurisdiction = issuer.jurisdiction ?? anchor?.jurisdiction;
  const entries = [
    issuingService
      ? entry(
          t(ctx.locale, "page.issuingService"),
          html`<span data-issuing-service="${issuingService.origin}">${issuingService.name[ctx.locale]}</span> <code class="mono">${issuingService.origin}</code>`,
        )
      : "",
    issuer.name ? entry(t(ctx.locale, "field.agencyName"), issuer.name) : "",
    agencyId !== undefined ? entry(t(ctx.locale, "field.agencyId"), agencyId) : "",
    jurisdiction ? entry(t(ctx.locale, "field.jurisdiction"), divisionText(jurisdiction, ctx, divisionName)) : "",
    anchor?.agencyStatus
      ? entry(t(ctx.locale, "anchor.agencyStatus"), t(ctx.locale, `agencyStatus.${anchor.agencyStatus}`))
      : "",
  ].filter((item) => item !== "");
  if (entries.length === 0) return html``;
  return html`<section class="card" aria-labelledby="issuer-heading">
${heading(ctx, 1, "issuer-heading", t(ctx.locale, "page.issuerHeading"))}
<dl class="fields">${entries}</dl>
</section>`;
}

function dateEntry(
  certificate: VerifiedCertificate,
  name: DocumentField,
  fallback: "field.notGiven" | "field.noEnd",
  ctx: Context,
): SafeHtml {
  const value = certificate[name];
  if (typeof value === "string" && value !== "")
    return entry(t(ctx.locale, DOCUMENT_FIELD_KEYS[name]), time(value, ctx));
  const hidden = certificate.hiddenFields.map(subjectFieldName).includes(name);
  return entry(t(ctx.locale, DOCUMENT_FIELD_KEYS[name]), hidden ? hiddenValue(ctx) : t(ctx.locale, fallback));
}

function validitySection(certificate: VerifiedCertificate, ctx: Context): SafeHtml {
  return html`<section class="card" aria-labelledby="validity-heading">
${heading(ctx, 1, "validity-heading", t(ctx.locale, "page.validityHeading"))}
<dl class="fields">
${dateEntry(certificate, "validFrom", "field.notGiven", ctx)}
${dateEntry(certificate, "validUntil", "field.noEnd", ctx)}
${certificate.issuedAt ? entry(t(ctx.locale, "field.issuedAt"), time(certificate.issuedAt, ctx)) : ""}
${certificate.supersedes ? entry(t(ctx.locale, "field.supersedes"), code(certificate.supersedes)) : ""}
</dl>
</section>`;
}

/** A warning in the reader's language, from its code and parameters (never the engine's English). */
function warningText(warning: VerificationWarning, ctx: Context): string {
  switch (warning.code) {
    case "SUPERSEDED":
      return t(ctx.locale, "warning.SUPERSEDED", { id: warning.params.id });
    case "AGENCY_NOT_ACTIVE": {
      const known = ["active", "suspended", "retired", "unknown"] as const;
      const status = known.find((name) => name === warning.params.agencyStatus) ?? "unknown";
      return t(ctx.locale, "warning.AGENCY_NOT_ACTIVE", { agencyStatus: t(ctx.locale, `agencyStatus.${status}`) });
    }
  }
}

function warningsSection(result: VerificationResult, ctx: Context): SafeHtml {
  if (result.warnings.length === 0) return html``;
  const items = result.warnings.map(
    (warning) => html`<li data-warning="${warning.code}">${warningText(warning, ctx)}</li>`,
  );
  return html`<section class="card card--caution" aria-labelledby="warnings-heading">
${heading(ctx, 1, "warnings-heading", t(ctx.locale, "page.warningsHeading"))}
<ul class="warnings">${items}</ul>
</section>`;
}

type CheckState = "passed" | "failed" | "unchecked";

/** A check that failed because the ledger was unreachable says nothing about the certificate. */
function checkState(check: Check, status: VerificationStatus): CheckState {
  if (check.passed) return "passed";
  return status === "UNAVAILABLE" ? "unchecked" : "failed";
}

function checkItem(check: Check, status: VerificationStatus, ctx: Context): SafeHtml {
  const state = checkState(check, status);
  const sentence =
    state === "unchecked" ? t(ctx.locale, "check.unreachable") : t(ctx.locale, `check.${check.name}.${state}`);
  return html`<li class="check check--${state}">
${checkIcon(state)}
<div>
<p class="check__name">${t(ctx.locale, `check.${check.name}.name`)}: <strong>${t(ctx.locale, `check.result.${state}`)}</strong></p>
<p>${sentence}</p>
${check.detail ? html`<p class="check__detail"><span>${t(ctx.locale, "check.engineDetail")}:</span> <span lang="en">${check.detail}</span></p>` : ""}
</div>
</li>`;
}

function checksSection(result: VerificationResult, ctx: Context): SafeHtml {
  if (result.checks.length === 0) return html``;
  return html`<details class="card disclosure">
<summary>${t(ctx.locale, "page.checksHeading", { count: result.checks.length })}</summary>
<ol class="checks">${result.checks.map((check) => checkItem(check, result.status, ctx))}</ol>
</details>`;
}

/** The link and fingerprint are shown only once proven to be this certificate's, never echoed. */
function canonicalLink(options: ResultSectionOptions): string | undefined {
  if (!options.leafHash || !isContentConfirmed(options.result.status)) return undefined;
  try {
    return verificationUrl(options.publicUrl, options.requestedId, options.leafHash);
  } catch (error) {
    if (error instanceof QrError) return undefined;
    throw error;
  }
}

function anchorSection(options: ResultSectionOptions, ctx: Context): SafeHtml {
  const { anchor, revocation } = options.result;
  const link = canonicalLink(options);
  const leaf = link ? options.leafHash : undefined;
  const entries = anchor
    ? [
        entry(t(ctx.locale, "anchor.chainId"), anchor.chainId),
        entry(t(ctx.locale, "anchor.ledger"), code(anchor.ledger)),
        anchor.txHash ? entry(t(ctx.locale, "anchor.txHash"), code(anchor.txHash)) : "",
        anchor.blockNumber !== undefined ? entry(t(ctx.locale, "anchor.block"), anchor.blockNumber) : "",
        anchor.anchoredAt ? entry(t(ctx.locale, "anchor.anchoredAt"), time(anchor.anchoredAt, ctx)) : "",
        entry(t(ctx.locale, "anchor.root"), code(anchor.root)),
        leaf ? entry(t(ctx.locale, "anchor.leaf"), code(leaf.toLowerCase())) : "",
        anchor.officer ? entry(t(ctx.locale, "anchor.officer"), code(anchor.officer)) : "",
        revocation?.txHash ? entry(t(ctx.locale, "revocation.txHash"), code(revocation.txHash)) : "",
      ]
    : [];
  return html`<details class="card disclosure">
<summary>${t(ctx.locale, "page.anchorHeading")}</summary>
<p class="hint">${t(ctx.locale, anchor ? "page.anchorIntro" : options.result.status === "UNAVAILABLE" ? "page.anchorUnreachable" : "page.noAnchor")}</p>
<dl class="fields">
${entries}
${link ? entry(t(ctx.locale, "page.verificationLink"), code(link)) : ""}
</dl>
</details>`;
}

function requestedSection(requestedId: string, ctx: Context): SafeHtml {
  if (requestedId === "") return html``;
  return html`<section class="card" aria-label="${t(ctx.locale, "page.requestedId")}">
<dl class="fields">${entry(t(ctx.locale, "page.requestedId"), code(requestedId))}</dl>
</section>`;
}

export type ResultSectionOptions = Omit<VerifyPageOptions, "langUrls" | "checkedAt">;

function contextOf(options: ResultSectionOptions, level: 1 | 2): Context {
  return {
    locale: options.locale,
    timeZone: options.timeZone ?? "UTC",
    display: subjectDisplay(options.locale, options.certificateType, options.typeLabels, options.divisionName),
    level,
  };
}

/**
 * Everything said about one verification result: verdict, warnings, fields, issuer, validity,
 * checks, ledger record. The one renderer of results: the /v/ and /p/ pages wrap it in the page
 * layout, the scan and holder pages fetch it as a fragment (`?part=result`) and insert it.
 */
function resultSection(options: ResultSectionOptions, ctx: Context): SafeHtml {
  const { result } = options;
  const certificate = result.certificate;
  return html`${banner(result, ctx)}
${warningsSection(result, ctx)}
${certificate ? certificateSection(certificate, result.status, ctx) : requestedSection(options.requestedId, ctx)}
${issuerSection(certificate, result.anchor, ctx, options.divisionName, result.issuingService)}
${certificate ? validitySection(certificate, ctx) : ""}
${checksSection(result, ctx)}
${anchorSection(options, ctx)}`;
}

/**
 * The result as an HTML fragment for a scripted page to insert: its root names the verdict and
 * the certificate, so the page can keep its history without a second request.
 */
export function renderResultFragment(options: ResultSectionOptions): string {
  const { result } = options;
  const ctx = contextOf(options, 2);
  return html`<div class="result__body" data-status="${result.status}" data-certificate-id="${result.certificate?.id ?? options.requestedId}" data-headline="${t(options.locale, `status.${result.status}.headline`)}">
${resultSection(options, ctx)}
</div>`.value;
}

/** The public verification page behind the QR code: complete without JavaScript. */
export function renderVerifyPage(options: VerifyPageOptions): string {
  const { result, locale } = options;
  const ctx = contextOf(options, 1);
  const main = resultSection(options, ctx);
  const footer = options.checkedAt
    ? html`<p>${t(locale, "page.checkedAt", { time: formatDateTime(options.checkedAt.toISOString(), locale, ctx.timeZone) })}</p>`
    : undefined;
  return renderLayout({
    locale,
    title: t(locale, `status.${result.status}.headline`),
    langUrls: options.langUrls,
    main,
    ...(footer ? { footer } : {}),
  });
}
