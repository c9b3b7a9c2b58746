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
on("slow", () => {
  const until = performance.now() + 300;
  while (performance.now() < until);
});
on("to-cart", () => history.pushState({}, "", "/test/cart"));
for (const form of document.forms) form.addEventListener("submit", (event) => event.preventDefault());

/** Shifts the content down without an input before it: a layout shift that counts in CLS. */
window.shiftLayout = () => {
  const banner = document.createElement("div");
  banner.style.height = "200px";
  banner.textContent = "A late banner";
  document.body.prepend(banner);
};

window.cxkitInit = init;
document.dispatchEvent(new Event("cxkit-test:loaded"));
