import { defineConfig } from "vite";

// `vite build` needs nothing for cxkit: it emits the package's .wasm files as assets (found
// through `new URL("./x.wasm", import.meta.url)`) and its survey module as a chunk of its own.
// `vite dev` pre-bundles dependencies into node_modules/.vite/deps/, away from the .wasm files
// beside the package's modules: serve cxkit as it is instead.
export default defineConfig({ optimizeDeps: { exclude: ["cxkit"] } });
