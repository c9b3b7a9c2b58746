// Objects from another realm: a same-origin iframe's, or those of a driver that runs scripts in
// a sandbox (Firefox's classic WebDriver). track() takes a plain object whatever realm made it,
// and still refuses what is not one.
import assert from "node:assert/strict";
import { after, afterEach, before } from "node:test";
import { faultKit } from "./lib/faults.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

let harness, collector, browser, kit;

before(async () => {
  harness = await startHarness(["--test-control"]);
  ({ collector, browser } = harness);
  kit = faultKit(harness, "realm");
});

after(async () => {
  await harness?.stop();
});

afterEach(async () => {
  await browser.closePages();
});

scenario("an iframe's object literal is tracked and stored; its Map and its class instance are refused", async () => {
  await collector.script({});
  const { page, siteId } = await kit.startCxkit({}, { clock: false });
  const results = await page.evaluate(() => {
    const frame = document.body.appendChild(document.createElement("iframe"));
    const made = (source) => frame.contentWindow.eval(source);
    return {
      literal: window.cx.track("from_frame", made("({ plan: 'pro', n: 2 })")),
      bare: window.cx.track("from_frame", made("Object.assign(Object.create(null), { plan: 'team' })")),
      map: window.cx.track("from_frame", made("new Map([['plan', 'pro']])")),
      instance: window.cx.track("from_frame", made("new (class Plan { constructor() { this.plan = 'pro'; } })()")),
    };
  });
  assert.deepEqual([results.literal, results.bare], [{ ok: true }, { ok: true }]);
  for (const refused of [results.map, results.instance]) {
    assert.deepEqual(refused.error, { code: "invalid_event", field: "props", message: "props: must be a plain object" });
  }
  assert.equal((await page.evaluate(() => window.cx.flush())).ok, true);
  await kit.assertAllStoredOnce(siteId, 2);
  // The refusals were reported once, as any bad call is.
  await kit.finish(page, siteId, ["cxkit: props: must be a plain object"]);
});
