// Exposes the npm build's `init` so a test can start cxkit with the options it needs.
import { init } from "/dist/index.js";

window.cxkitInit = init;
document.dispatchEvent(new Event("cxkit-test:loaded"));
