import { Fragment } from "react";

// Highlights arrive as "safe HTML" (search/query-text.server.ts): every character escaped, the
// only tags <mark> and </mark>. They are still not handed to dangerouslySetInnerHTML: the string
// is split into text and <mark> elements, so React escapes the text once more on the way out.

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };

function unescape(s: string) {
  return s.replace(/&(?:lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e] ?? e);
}

/** The parts of a safe-highlight string: [text, marked?] in order. */
export function highlightParts(html: string): Array<{ text: string; marked: boolean }> {
  const parts: Array<{ text: string; marked: boolean }> = [];
  let marked = false;
  for (const piece of html.split(/(<mark>|<\/mark>)/)) {
    if (piece === "<mark>") marked = true;
    else if (piece === "</mark>") marked = false;
    else if (piece) parts.push({ text: unescape(piece), marked });
  }
  return parts;
}

export function Highlighted({ html }: { html: string }) {
  return (
    <>
      {highlightParts(html).map((p, i) =>
        p.marked ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>,
      )}
    </>
  );
}
