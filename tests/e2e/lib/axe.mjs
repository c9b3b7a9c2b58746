// Runs axe-core in a page, on everything including open shadow roots, and returns its result.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export async function runAxe(page) {
  // Through the driver, not a <script>: the demo's strict CSP rightly refuses inline scripts.
  await page.addScript(AXE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations", "passes"] });
    const targets = (items) => items.flatMap((rule) => rule.nodes.map((node) => ({ rule: rule.id, target: node.target })));
    return { violations: targets(result.violations), passes: targets(result.passes) };
  });
}
