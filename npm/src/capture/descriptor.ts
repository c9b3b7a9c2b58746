/**
 * How an element is named in raw entries: the descriptor of a click, the label of a vital's
 * target. Never a form field's value, nor a field's default text.
 */
import { type Props, put } from "./listen.js";

/** Elements whose text is a value (typed, chosen or prefilled): described by attributes only,
 * as is anything inside an editable element (`isContentEditable`), whose text was typed. */
const FIELD = "input,textarea,select,option";

/** Beyond this much text an element is a container, not a control: its `innerText` (a layout
 * and a copy of the whole page for `<body>`) is not worth reading. */
const MAX_SCANNED_TEXT = 2000;

/** Whitespace collapsed, at most 80 UTF-16 units, no half of a surrogate pair at the end. */
function clean(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim().slice(0, 80).replace(/[\ud800-\udbff]$/, "");
}

/**
 * `tag`, `id`, `cx` (the `data-cx` name) and `text`: the visible text (`innerText`), else
 * `aria-label`, else `title`, else `name`. Empty fields are left out.
 */
export function describe(element: Element): Props {
  const typed = element.matches(FIELD) || (element as HTMLElement).isContentEditable;
  const text = !typed && (element.textContent?.length ?? 0) <= MAX_SCANNED_TEXT
    ? (element as HTMLElement).innerText
    : "";
  return put({ tag: element.localName }, {
    id: element.id,
    cx: clean(element.getAttribute("data-cx")),
    text: clean(text) || clean(element.getAttribute("aria-label")) || clean(element.getAttribute("title")) || clean(element.getAttribute("name")),
  });
}

/** A vital's target as one short string: `tag#id[data-cx=name]`. */
export function label(element: Element | null | undefined): string {
  if (!element) return "";
  const cx = element.getAttribute("data-cx");
  return element.localName + (element.id ? `#${element.id}` : "") + (cx ? `[data-cx=${cx}]` : "");
}
