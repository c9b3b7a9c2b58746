import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Nothing for cxkit here: Vite emits its .wasm files as assets and its survey module as a chunk.
export default defineConfig({ plugins: [react()] });
