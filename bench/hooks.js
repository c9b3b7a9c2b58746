// Benchmark hooks, loaded before cxkit.js: they record when the handle appears, how long
// compiling and instantiating the core's wasm takes (the first module instantiated; the
// survey module comes later, if at all), when cxkit is ready, and keep the core's memory.
window.__bench = { handleAt: undefined, readyAt: undefined, instantiate: undefined, memory: undefined };
let handle;
Object.defineProperty(window, "cxkit", {
  configurable: true,
  get: () => handle,
  set: (value) => { handle = value; window.__bench.handleAt = performance.now(); },
});
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async function (source, imports) {
  const start = performance.now();
  const result = await instantiateStreaming.call(this, source, imports);
  if (window.__bench.instantiate === undefined) {
    window.__bench.instantiate = { start, end: performance.now() };
    // The shipped module's exports have one-letter names (Makefile, WASM_SHIP): its memory is
    // the export that is one.
    window.__bench.memory = Object.values(result.instance.exports).find((value) => value instanceof WebAssembly.Memory);
  }
  return result;
};
document.addEventListener("cxkit:ready", () => { window.__bench.readyAt = performance.now(); });
