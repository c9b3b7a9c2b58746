import { useEffect, useState } from "react";
import { init, type Cx, type Options } from "cxkit";

/**
 * cxkit's handle once it runs; `undefined` before that and while rendering on a server
 * (effects do not run there). `init` with the same options returns the same instance, so
 * StrictMode's double effects, several components using the hook, and HMR all share one
 * (one stream of events). Keep `options` stable: a constant outside the component.
 * No shutdown on unmount: cxkit lives as long as the page, not as one component.
 */
export function useCx(options: Options): Cx | undefined {
  const [cx, setCx] = useState<Cx>();
  useEffect(() => {
    let mounted = true;
    void init(options).then((instance) => mounted && setCx(instance));
    return () => {
      mounted = false;
    };
  }, [options]);
  return cx;
}
