/**
 * `click` entries: every primary, trusted click outside `[data-cx-ignore]` and cxkit's own
 * host, described, with whether it was on something actionable (decisions §23).
 */
import { describe } from "./descriptor.js";
import { type Context, on, round } from "./listen.js";

/** Inputs that are buttons. */
const BUTTON_TYPES = "[type=submit],[type=button],[type=reset],[type=image]";
/** What a visitor expects to do something when clicked (decisions §23)… */
const ACTIONABLE = `a,button,[role=button],input:is(${BUTTON_TYPES}),[onclick],[data-cx]`;
/** …unless the click is on one of these, inside it: they never count. */
const NEVER = `label,summary,select,textarea,input:not(${BUTTON_TYPES})`;
/** What `allClicks` tracks: links and buttons. */
const LINK_OR_BUTTON = "a,button,[role=button],input";

/** Listens for clicks; `clicked` runs after each one reported (its effect window opens). */
export function startClicks({ options, emit, stops }: Context, clicked: () => void): void {
  stops.push(on<MouseEvent>(document, "click", (event) => {
    // A script's element.click() is not the visitor's: only trusted clicks are.
    if (event.button || !event.isTrusted) return;
    // The path crosses open shadow roots: the innermost element, and every host above it.
    const path = event.composedPath().filter((node): node is Element => (node as Node).nodeType === 1);
    const target = path[0];
    if (!target || path.some((element) => options.isOwnNode(element) || element.hasAttribute("data-cx-ignore"))) return;
    const found = target.closest(ACTIONABLE);
    const never = target.closest(NEVER);
    const actionable = found && !(never && found.contains(never)) ? found : null;
    const props = describe(actionable ?? target);
    props.act = actionable ? 1 : 0;
    props.track = actionable && (actionable.hasAttribute("data-cx") || (options.allClicks && actionable.matches(LINK_OR_BUTTON))) ? 1 : 0;
    props.sel = getSelection()?.toString() ? 1 : 0;
    props.x = round(event.clientX);
    props.y = round(event.clientY);
    emit("click", props);
    clicked();
  }));
}
