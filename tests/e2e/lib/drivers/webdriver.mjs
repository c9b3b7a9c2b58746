// A W3C WebDriver client, as small as the harness needs (no dependency): one session, its
// windows as pages. https://www.w3.org/TR/webdriver2/
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
/** Named keys as WebDriver code points (spec, "Keyboard actions"). */
const KEYS = { Enter: "\uE007", Tab: "\uE004", Escape: "\uE00C", Space: " ", End: "\uE010", Home: "\uE011", ArrowLeft: "\uE012", ArrowUp: "\uE013", ArrowRight: "\uE014", ArrowDown: "\uE015" };

/** Opens a session at `server` (e.g. http://127.0.0.1:4444) with `capabilities`. */
export async function connect(server, capabilities) {
  async function call(method, path, body) {
    const response = await fetch(`${server}${path}`, {
      method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  }
  const { sessionId, capabilities: granted } = await call("POST", "/session", { capabilities: { alwaysMatch: capabilities } });
  const session = (method, path, body) => call(method, `/session/${sessionId}${path}`, body);
  // No script timeout: WebKit arms it with the page's own setTimeout, which the in-page fake clock
  // fakes, so a test running the clock 30 s on would time its own evaluation out.
  await session("POST", "/timeouts", { script: null, pageLoad: 30_000 });

  // The initial window stays blank and open: the session would end with its last window.
  const home = await session("GET", "/window");
  let current = home;
  const focus = async (handle) => {
    if (handle !== current) await session("POST", "/window", { handle });
    current = handle;
  };

  return {
    version: `${granted.browserName} ${granted.browserVersion}`,
    async newPage() {
      // A window, not a tab: WebKit hides a background tab (visibilityState "hidden", timers
      // throttled to about one a second), which cxkit rightly treats as the visitor leaving.
      const { handle } = await session("POST", "/window/new", { type: "window" });
      const on = async (method, path, body) => { await focus(handle); return session(method, path, body); };
      const evaluate = (expression) => on("POST", "/execute/async", {
        script: `const done = arguments[0]; Promise.resolve(${expression}).then(done, (e) => done(JSON.stringify({ error: String(e) })));`, args: [],
      });
      return {
        goto: (url) => on("POST", "/url", { url }),
        reload: () => on("POST", "/refresh", {}),
        evaluate,
        async frameEvaluate(part, expression) {
          const frame = await on("POST", "/execute/sync", {
            script: "return [...document.querySelectorAll('iframe')].find((f) => f.src.includes(arguments[0])) ?? null;", args: [part],
          });
          if (!frame) throw new Error(`no frame at ${part}`);
          await on("POST", "/frame", { id: frame });
          try {
            return await evaluate(expression);
          } finally {
            await on("POST", "/frame/parent", {});
          }
        },
        async click(expression) {
          const element = await on("POST", "/execute/sync", { script: `return ${expression};`, args: [] });
          await on("POST", `/element/${element[ELEMENT]}/click`, {});
        },
        press: (key) => on("POST", "/actions", {
          actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: KEYS[key] ?? key }, { type: "keyUp", value: KEYS[key] ?? key }] }],
        }),
        async close() {
          await on("DELETE", "/window");
          current = undefined;
          // Commands need a current window, and closing one leaves none.
          await focus(home);
        },
      };
    },
    close: () => call("DELETE", `/session/${sessionId}`),
  };
}
