/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The collector's batch URL, from `.env` or the environment at build time. */
  readonly VITE_CX_ENDPOINT?: string;
}
