// The WebKit driver of the engine-neutral harness (lib/engine.mjs): Debian's WebKitWebDriver
// driving MiniBrowser under xvfb-run (it has no headless mode), through lib/drivers/webdriver.mjs.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { connect } from "./webdriver.mjs";

const MINIBROWSER = process.env.CXKIT_MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** A free loopback port: WebKitWebDriver cannot be told to pick one and say which. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(server, child) {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    try {
      if ((await (await fetch(`${server}/status`)).json()).value?.ready) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("WebKitWebDriver did not become ready");
}

export async function launch() {
  const port = await freePort();
  // Its own process group, so stopping it also stops xvfb-run's X server and the browser.
  const child = spawn("xvfb-run", ["-a", "WebKitWebDriver", `--host=127.0.0.1`, `--port=${port}`], { detached: true, stdio: ["ignore", "ignore", "inherit"] });
  const server = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch (error) {
      if (error.code !== "ESRCH") throw error; // ESRCH: the group has ended already.
    }
  };
  // A test process that ends without closing the session must not leave Xvfb and the browser.
  process.once("exit", stop);
  try {
    await waitReady(server, child);
    const session = await connect(server, { "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } });
    return {
      ...session,
      async close() {
        await session.close();
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
