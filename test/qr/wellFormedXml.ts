const TAG = /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/**
 * Well-formedness of the XML subset an SVG renderer emits (elements, quoted attributes, text; no
 * DTD, comments or CDATA). No XML parser is installed; with one (e.g. fast-xml-parser) use it instead.
 */
export function isWellFormedXml(xml: string): boolean {
  const open: string[] = [];
  let roots = 0;
  for (const token of xml.trim().split(/(<[^>]*>)/)) {
    if (token === "") continue;
    if (!token.startsWith("<")) {
      if (token.includes(">") || ENTITY.test(token) || (open.length === 0 && token.trim() !== "")) return false;
      continue;
    }
    const match = TAG.exec(token);
    if (!match) return false;
    const [, closing, name, attributes = "", selfClosing] = match;
    const names = [...attributes.matchAll(/([A-Za-z_:][\w:.-]*)=/g)].map((m) => m[1]);
    if (new Set(names).size !== names.length || ENTITY.test(attributes)) return false;
    if (closing) {
      if (selfClosing || open.pop() !== name) return false;
    } else if (!selfClosing) {
      if (open.length === 0) roots++;
      open.push(name ?? "");
    } else if (open.length === 0) {
      roots++;
    }
  }
  return open.length === 0 && roots === 1;
}
