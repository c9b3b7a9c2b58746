// The npm package as a bundler would use it: `import { init } from "cxkit"`.
import { init } from "/dist/index.js";

const endpoint = document.querySelector('meta[name="cxkit-endpoint"]').content;
const cx = await init({ endpoint, siteId: "demo" });
window.cxkitEsm = cx; // for the end-to-end test
const log = (text) => { document.getElementById("log").textContent = text; };
document.getElementById("checkout").addEventListener("click", () => {
  cx.track("checkout_started", { plan: "team", source: "esm" });
  log("Tracked checkout_started.");
});
document.getElementById("rate").addEventListener("click", () => cx.showSurvey("nps"));
cx.on("response", (answer) => log(`Thanks! NPS answer ${answer.value} (${answer.bucket}).`));
