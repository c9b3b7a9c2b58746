import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `vite build` needs nothing for cxkit (its .wasm files become assets, its survey module a
// chunk); `vite dev` must not pre-bundle it away from its .wasm files.
export default defineConfig({ plugins: [react()], optimizeDeps: { exclude: ["cxkit"] } });
