/**
 * English words of what the holder controls (issue 12): disclosure on the public page, live
 * presentations, the holder's page, usage traces, and the counter input of the scan page.
 * Spread into the English dictionary, so `MessageKey` covers them.
 */
export const holderEn = {
  "warning.SUPERSEDED": "A newer certificate replaces this one, number {id}",
  "warning.AGENCY_NOT_ACTIVE": "The issuing agency is now: {agencyStatus}",

  "disclosure.publicNote":
    "This public page shows only part of the certificate: some details are shortened and personal details are left out. The holder can show more with a live code from their own page.",
  "disclosure.masked": "shortened on the public page",
  "disclosure.withheld": "Not shown on the public page",
  "disclosure.notPresented": "Not shown by the holder",
  "presentation.banner": "Presented live by the holder at {from}, valid until {until}",
  "presentation.fieldsNote": "The holder chose to show exactly these details.",
  "presentation.expiredAt": "The code expired at {time}. Ask the holder for a fresh code.",
  "presentation.withdrawnAt": "The holder withdrew this code at {time}. Ask the holder for a fresh code.",

  "holder.title": "My certificate",
  "holder.intro": "Only you have this page: its link was given to you with the certificate. Keep it private.",
  "holder.noscript": "This page needs JavaScript to open your certificate with your holder code.",
  "holder.codeHeading": "Open with your holder code",
  "holder.codeLabel": "Holder code (on your copy of the certificate)",
  "holder.open": "Open",
  "holder.opening": "Opening…",
  "holder.badCode":
    "This holder code does not open this certificate. Check the code on your copy, or ask the issuing agency for a new one.",
  "holder.rateLimited": "Too many wrong codes. Please wait a few minutes, then try again.",
  "holder.unavailable": "The service cannot be reached right now. Please try again later.",
  "holder.certificateHeading": "The whole certificate",
  "holder.presentHeading": "Show it to someone now",
  "holder.presentIntro": "Choose what to show. You get a QR code and an 8-digit code that work for {minutes} minutes.",
  "holder.presentFields": "Details to show",
  "holder.presentCreate": "Make a code",
  "holder.presentNoFields": "Choose at least one detail to show.",
  "holder.presentQrAlt": "QR code of your live presentation",
  "holder.presentCode": "Code to read out or type",
  "holder.presentValidUntil": "Valid until {time}",
  "holder.presentActive": "Your live codes",
  "holder.presentNone": "No live code at the moment.",
  "holder.withdraw": "Withdraw",
  "holder.withdrawn": "Withdrawn.",
  "holder.tracesHeading": "Who checked my certificate",
  "holder.tracesIntro":
    "When and how your certificate was checked in the last {days} days. No address or device of the person checking is kept.",
  "holder.tracesNone": "No checks recorded.",
  "holder.traceTime": "When",
  "holder.traceChannel": "How",
  "holder.traceResult": "Result",
  "holder.channel.static-qr": "printed QR code",
  "holder.channel.live-qr": "your live QR code",
  "holder.channel.live-code": "your 8-digit code",
  "holder.channel.document": "certificate file",
  "holder.revokeHeading": "Lost your phone or this link?",
  "holder.revokeIntro":
    "Switch this holder link off. Your codes stop working at once; the issuing agency can give you a new link.",
  "holder.revoke": "Switch off this holder link",
  "holder.revokeConfirm": "Switch off this holder link for good?",
  "holder.revoked": "This holder link is switched off. Ask the issuing agency for a new one.",

  "console.holder.heading": "Holder link.",
  "console.holder.once":
    "Shown only now: give it to the holder and print it on the holder's copy. Only the holder should have it.",
  "console.holder.code": "Holder code",
  "console.holder.link": "Holder's page",
  "console.holder.print": "Print the holder's copy",
  "console.holder.none":
    "No holder link in this answer (a repeated request): give the holder a new one with POST /api/v1/certificates/:id/holder-link.",

  "scan.code.heading": "Type a code or use a barcode scanner",
  "scan.code.label": "8-digit code from the holder, or a scanned link",
  "scan.code.hint":
    "A barcode scanner types the link and presses Enter here by itself. Counter mode keeps this box ready for the next one.",
  "scan.code.submit": "Check",
  "scan.code.invalid": "Type the 8 digits the holder shows you, or scan a certificate QR code.",
  "scan.source.code": "code",
  "scan.source.scanner": "scanner",
  "scan.largeText": "Large, high-contrast text",
  "scan.error.codeLimited": "Too many unknown codes",
  "scan.error.codeLimitedHint":
    "Too many codes that match nothing were tried from here. Wait a few minutes, then ask the holder to show the code again.",
  "scan.error.unknownCode": "No live presentation has this code",
  "scan.error.unknownCodeHint":
    "Check the 8 digits with the holder. A code works only for a few minutes after the holder makes it.",
} as const;
