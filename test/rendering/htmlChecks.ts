/** Every URL the page would load or link to: href, src, action, srcset, formaction attributes. */
export function attributeUrls(page: string): string[] {
  return [...page.matchAll(/\s(?:href|src|action|srcset|formaction|poster|data)\s*=\s*"([^"]*)"/gi)].map(
    (m) => m[1] ?? "",
  );
}

/** Counts of opening and closing tags for the container elements the views emit. */
export function unbalancedTags(page: string): string[] {
  const names = [
    "html",
    "head",
    "body",
    "header",
    "main",
    "footer",
    "nav",
    "section",
    "div",
    "dl",
    "dt",
    "dd",
    "ul",
    "ol",
    "li",
    "p",
    "details",
    "summary",
    "svg",
    "code",
    "time",
    "h1",
    "h2",
    "span",
    "strong",
    "a",
  ];
  return names.filter((name) => {
    const opened = page.match(new RegExp(`<${name}[\\s>]`, "g"))?.length ?? 0;
    const closed = page.match(new RegExp(`</${name}>`, "g"))?.length ?? 0;
    return opened !== closed;
  });
}

/** The text of the element with id `id` (tags stripped), for headline assertions. */
export function textOf(page: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page);
  return match?.[2]?.replace(/<[^>]+>/g, "");
}
