// cxkit in a Vite + TypeScript app: `init` once, `track` what happens, `showSurvey` when it
// matters. Vite finds both .wasm files through the package's `new URL("./x.wasm",
// import.meta.url)` and emits them as assets; the survey module is a chunk of its own, loaded
// only when a survey shows. No extra Vite config is needed (README.md, "In an app").
import { init } from "cxkit";

const status = document.querySelector<HTMLParagraphElement>("#status")!;
const buy = document.querySelector<HTMLButtonElement>("#buy")!;

const cx = await init({
  endpoint: import.meta.env.VITE_CX_ENDPOINT ?? "http://127.0.0.1:8080/v1/batch",
  siteId: "vite-example",
  // The survey speaks the page's language (English is built in; others are fetched).
  locale: document.documentElement.lang || navigator.language,
  surveys: [{ id: "checkout", steps: [{ id: "score", kind: "nps", question: "How likely are you to recommend our shop to a friend?" }] }],
});

const ready = await cx.ready;
status.textContent = ready.ok ? "cxkit is running" : `cxkit is off: ${ready.error.message}`;
status.dataset.ready = String(ready.ok);

buy.addEventListener("click", () => {
  cx.track("purchase", { plan: "pro", amount: 49 });
  cx.showSurvey("checkout");
});
