import type { Options } from "cxkit";

/** The app's one cxkit config: a module constant, so every `useCx(CX)` gets the same instance. */
export const CX: Options = {
  endpoint: import.meta.env.VITE_CX_ENDPOINT ?? "http://127.0.0.1:8080/v1/batch",
  siteId: "react-example",
  surveys: [{ id: "checkout", steps: [{ id: "score", kind: "nps", question: "How likely are you to recommend our shop to a friend?" }] }],
};
