/**
 * `form` entries: `start` at a form's first input of the page view, `field` when focus moves to
 * another of its fields, `submit`. Fields are named by their `name` or `id` attribute; a
 * password or hidden field is never named, and no `.value` is ever read.
 */
import { type Context, on } from "./listen.js";

/** The fields a form is counted and named by: not password, hidden, or a button. */
const FIELDS = "select,textarea,input:not([type=password],[type=hidden],[type=submit],[type=button],[type=reset],[type=image])";

/** Attributes, not properties: a control named "name" or "id" shadows `form.name` / `form.id`. */
const nameOf = (element: Element) => element.getAttribute("name") || element.getAttribute("id") || "";

export function startForms({ emit, stops, fresh }: Context): void {
  let started = new WeakSet<HTMLFormElement>();
  /** The last field touched in each form, by name. */
  let last = new WeakMap<HTMLFormElement, string>();
  const report = (form: HTMLFormElement, phase: string) => emit("form", {
    phase,
    form: nameOf(form),
    fields: [...form.elements].filter((element) => element.matches(FIELDS)).length,
    last: last.get(form) ?? "",
  });
  /** A field was typed in (`input`, `change`) or focused. */
  const touched = ({ target }: Event, input?: boolean) => {
    const field = target as HTMLInputElement;
    const form = field.matches?.("input,select,textarea") && field.form;
    if (!form) return;
    const name = field.matches(FIELDS) ? nameOf(field) : "";
    const moved = name && name !== last.get(form);
    if (name) last.set(form, name);
    if (input && !started.has(form)) {
      started.add(form);
      report(form, "start");
    } else if (!input && moved && started.has(form)) {
      report(form, "field");
    }
  };
  stops.push(
    on(document, "input", (event) => touched(event, true)),
    on(document, "change", (event) => touched(event, true)),
    on(document, "focusin", touched),
    on(document, "submit", ({ target }) => target instanceof HTMLFormElement && report(target, "submit")),
  );
  fresh.push(() => {
    started = new WeakSet();
    last = new WeakMap();
  });
}
