// The page's own behaviour on the touchpoint pages (touch*.html): the same on each, with or
// without cxkit, so that what the bench subtracts is the page's work and the browser's, and
// what is left is cxkit's. A grid of `data-cx` buttons: "dead" ones do nothing (each click a
// `$click` and a `$dead`), "live" ones change a counter's text (a `$click`, its mutation the
// effect). `benchErrors(n, from)` throws n uncaught errors with distinct messages, one per
// task, from this file (`$error`s, each distinct by message).
const out = document.getElementById("out");
let count = 0;
for (const button of document.querySelectorAll("button.live")) {
  button.addEventListener("click", () => { out.textContent = String(++count); });
}
window.benchErrors = (n, from) => new Promise((resolve) => {
  let thrown = 0;
  const next = () => {
    if (thrown === n) return resolve(thrown);
    const i = from + thrown++;
    setTimeout(next, 2);
    throw new Error(`bench error ${i}`);
  };
  setTimeout(next, 0);
});
