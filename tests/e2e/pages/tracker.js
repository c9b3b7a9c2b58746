// The tracker's test page: buttons that do nothing, change the DOM, throw or navigate (SPA),
// a rage target, forms with a password and a hidden field, a long page. Tests call
// `window.cxkitInit(options)`.
import { init } from "/dist/index.js";

const on = (id, listener) => document.getElementById(id).addEventListener("click", listener);
on("mutates", () => {
  document.getElementById("lines").append(document.createElement("br"));
});
on("throws", () => {
  throw new Error("handler failed");
});
on("to-cart", () => history.pushState({}, "", "/test/cart"));
for (const form of document.forms) form.addEventListener("submit", (event) => event.preventDefault());

window.cxkitInit = init;
document.dispatchEvent(new Event("cxkit-test:loaded"));
