// Survey-paint hooks (bench/survey-paint.mjs), loaded before cxkit.js. A `delay:` trigger fires
// inside one of cxkit's timer callbacks (delivery's due timer), so every timer callback notes
// when it starts; when the survey's host is connected, the trigger fired at the start of the
// last callback (the survey module already loaded, its show runs in that same task, in the
// microtasks after the callback: so the note stays until the next callback).
// Then `requestAnimationFrame` and a task after it: the frame that holds the dialog painted.
window.__surveyPaint = { timerAt: undefined, mounts: [] };
const setTimeoutOf = window.setTimeout;
window.setTimeout = function (callback, ms, ...rest) {
  if (typeof callback !== "function") return setTimeoutOf.call(this, callback, ms, ...rest);
  return setTimeoutOf.call(this, function (...args) {
    window.__surveyPaint.timerAt = performance.now();
    return callback.apply(this, args);
  }, ms, ...rest);
};
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (!(node instanceof Element) || node.getAttribute("data-cxkit") !== "survey") continue;
      const mount = { firedAt: window.__surveyPaint.timerAt, mountedAt: performance.now(), paintedAt: undefined };
      window.__surveyPaint.mounts.push(mount);
      requestAnimationFrame(() => setTimeoutOf(() => { mount.paintedAt = performance.now(); }, 0));
    }
  }
}).observe(document.documentElement, { childList: true, subtree: true });
