import type { CertificateType, FieldDefinition } from "../../core/index.ts";
import type { DivisionName, Locale } from "../../i18n/index.ts";

/** Human labels of one certificate type in one language, when the caller has no type definition. */
export interface TypeLabels {
  /** the type's name, e.g. "Business licence" */
  name?: string;
  /** subject field name -> label, in the schema's display order */
  fields?: Readonly<Record<string, string>>;
}

/** How to show one subject field: its label and, for typed fields, its value in words. */
export interface FieldDisplay {
  label: string;
  /** the value as the reader should see it, or undefined to show it as stored */
  text(value: unknown): string | undefined;
  /** whether the value is a calendar date or instant to be formatted */
  isDate: boolean;
}

export interface SubjectDisplay {
  typeName?: string;
  /** field name -> display, in the type's order */
  fields: ReadonlyMap<string, FieldDisplay>;
}

function fieldDisplay(field: FieldDefinition, locale: Locale, divisionName: DivisionName | undefined): FieldDisplay {
  const label = field.labels[locale];
  switch (field.type) {
    case "enum":
      return {
        label,
        isDate: false,
        text: (value) => field.options.find((option) => option.value === value)?.labels[locale],
      };
    case "integer": {
      const unit = field.unit?.[locale];
      if (unit === undefined) return { label, isDate: false, text: () => undefined };
      const number = new Intl.NumberFormat(locale === "zh" ? "zh-CN" : "en");
      return {
        label,
        isDate: false,
        text: (value) => (typeof value === "number" ? `${number.format(value)} ${unit}` : undefined),
      };
    }
    case "jurisdiction":
      return {
        label,
        isDate: false,
        text: (value) => {
          if (typeof value !== "string") return undefined;
          const name = divisionName?.(value, locale);
          return name ? `${name} (${value})` : undefined;
        },
      };
    case "date":
      return { label, isDate: true, text: () => undefined };
    default:
      return { label, isDate: false, text: () => undefined };
  }
}

/**
 * What the page needs from the certificate type: the registry's definition when the caller has
 * it (labels, enum option names, units, dates, jurisdictions), else plain labels.
 */
export function subjectDisplay(
  locale: Locale,
  certificateType: CertificateType | undefined,
  typeLabels: Partial<Readonly<Record<Locale, TypeLabels>>> | undefined,
  divisionName: DivisionName | undefined,
): SubjectDisplay {
  if (certificateType) {
    return {
      typeName: certificateType.labels[locale],
      fields: new Map(certificateType.fields.map((field) => [field.name, fieldDisplay(field, locale, divisionName)])),
    };
  }
  const labels = typeLabels?.[locale];
  return {
    ...(labels?.name !== undefined ? { typeName: labels.name } : {}),
    fields: new Map(
      Object.entries(labels?.fields ?? {}).map(([name, label]) => [
        name,
        { label, isDate: false, text: () => undefined },
      ]),
    ),
  };
}
