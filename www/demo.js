// Demo wiring for index.html. The tag is `async`, so this file may run before cxkit.js has:
// look `window.cxkit` up when a button is used, and wait for `cxkit:ready` for listeners.
const log = (text) => { document.getElementById("log").textContent = text; };

function whenCxkit(use) {
  if (window.cxkit) use(window.cxkit);
  else document.addEventListener("cxkit:ready", (event) => use(event.detail), { once: true });
}

document.getElementById("checkout").addEventListener("click", () => whenCxkit((cx) => {
  const result = cx.track("checkout_started", { plan: "pro" });
  log(result.ok ? "Tracked checkout_started." : result.error.message);
}));
document.getElementById("rate").addEventListener("click", () => whenCxkit((cx) => cx.showSurvey("nps")));
document.getElementById("send").addEventListener("click", () => whenCxkit(async (cx) => {
  const result = await cx.flush();
  log(result.ok ? `Sent ${result.sent} event(s).` : result.error.message);
}));
whenCxkit((cx) => cx.on("response", (answer) => {
  const given = answer.value ?? answer.choice?.join(", ") ?? answer.text;
  log(`Thanks! ${answer.survey} / ${answer.question}: ${given}${answer.bucket ? ` (${answer.bucket})` : ""}.`);
}));
