import { raw, type SafeHtml } from "./html.ts";
import type { StatusTone } from "./statusTone.ts";

function icon(className: string, size: number, body: string): SafeHtml {
  return raw(
    `<svg class="${className}" viewBox="0 0 24 24" width="${size}" height="${size}" aria-hidden="true" focusable="false" ` +
      `fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`,
  );
}

const TONE_ICONS: Readonly<Record<StatusTone, string>> = {
  valid: '<circle cx="12" cy="12" r="10"/><path d="M7 12.5l3.5 3.5L17 9"/>',
  invalid: '<circle cx="12" cy="12" r="10"/><path d="M8.5 8.5l7 7M15.5 8.5l-7 7"/>',
  caution: '<path d="M12 3L2 20.5h20z"/><path d="M12 10v4.5M12 17.5v.01"/>',
  unavailable: '<circle cx="12" cy="12" r="10"/><path d="M12 6.5V12l3.5 2.5"/>',
};

/** The banner's shape cue, so the verdict never rests on colour alone. */
export function toneIcon(tone: StatusTone): SafeHtml {
  return icon("banner__icon", 48, TONE_ICONS[tone]);
}

const CHECK_ICONS = {
  passed: '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
  failed: '<path d="M6.5 6.5l11 11M17.5 6.5l-11 11"/>',
  unchecked: '<circle cx="12" cy="12" r="9"/><path d="M8 12h8"/>',
} as const;

export function checkIcon(state: keyof typeof CHECK_ICONS): SafeHtml {
  return icon("check__icon", 20, CHECK_ICONS[state]);
}
