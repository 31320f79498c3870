// Shared by the browser tests: the real antom-checkout binary in simulator mode on free ports
// with a fresh SQLite database, and Debian's Chromium driven by playwright-core.
//
// Environment knobs (all optional):
//   ANTOM_CHECKOUT_BIN  the binary (default: $CARGO_TARGET_DIR or <repo>/target, then debug/antom-checkout)
//   CHROMIUM_PATH       the browser (default /usr/bin/chromium)
//   E2E_ARTIFACTS       where screenshots and server logs go (default <repo>/target/e2e-artifacts)
//   E2E_HEADED=1        show the browser (needs a display)
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(REPO, process.env.CARGO_TARGET_DIR) : join(REPO, "target");
export const BIN = process.env.ANTOM_CHECKOUT_BIN || join(TARGET, "debug", "antom-checkout");
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(TARGET, "e2e-artifacts");

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** The process environment minus anything that could switch the server to live mode. */
function baseEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(ANTOM_|SIMULATOR_|PUBLIC_BASE_URL$|DATABASE_URL$|DATA_DIR$|BIND_ADDR$|CAPTURE_MODE$|PCI_DIRECT_VAULTING$|DATA_ENCRYPTION_KEY$|CHECKOUT_INTEGRATION$)/.test(key)) {
      delete env[key];
    }
  }
  return env;
}

/**
 * Starts antom-checkout (simulator mode) with its own SQLite file and ports; resolves when
 * /readyz answers 200. `stop()` ends it and removes its directory.
 */
export async function startServer(name, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), `antom-e2e-${name}-`));
  const [port, simPort] = [await freePort(), await freePort()];
  const env = {
    ...baseEnv(),
    ANTOM_MODE: "simulator",
    BIND_ADDR: `127.0.0.1:${port}`,
    SIMULATOR_BIND_ADDR: `127.0.0.1:${simPort}`,
    DATA_DIR: dir,
    DATABASE_URL: `sqlite://${dir}/db.sqlite?mode=rwc`,
    SIMULATOR_TIME_SCALE: "0.01",
    RECONCILE_INTERVAL_SECS: "0.5",
    RUST_LOG: process.env.RUST_LOG || "warn",
    LOG_FORMAT: "pretty",
    ...extraEnv,
  };
  mkdirSync(ARTIFACTS, { recursive: true });
  const logPath = join(ARTIFACTS, `${name}-server.log`);
  const log = openSync(logPath, "w");
  const child = spawn(BIN, ["serve"], { cwd: dir, env, stdio: ["ignore", log, log] });
  closeSync(log);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const simUrl = `http://127.0.0.1:${simPort}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) {
      throw new Error(`antom-checkout exited (${JSON.stringify(exited)}) before it was ready; log:\n${readFileSync(logPath, "utf8")}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.status === 200) break;
    } catch (_) {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`antom-checkout was not ready within 120 s; log:\n${readFileSync(logPath, "utf8")}`);
    }
    await sleep(200);
  }

  return {
    baseUrl,
    simUrl,
    env,
    logPath,
    /** `antom-checkout admin create-token` against this server's database; returns the token. */
    createToken(tokenName = "e2e", role = "operator") {
      const result = spawnSync(BIN, ["admin", "create-token", "--name", tokenName, "--role", role], {
        cwd: dir, env, encoding: "utf8", timeout: 60_000,
      });
      if (result.status !== 0) throw new Error(`create-token failed (${result.status}): ${result.stderr}`);
      const token = result.stdout.trim();
      if (!token) throw new Error("create-token printed no token");
      return token;
    },
    async stop() {
      if (!exited) {
        const done = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await done;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh Chromium profile (its own user-data-dir) and one page. Every console error and page
 * error is recorded; `check()` fails the test if there was any. `options` are Playwright context
 * options (viewport, isMobile, userAgent…).
 */
export async function openBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "antom-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: process.env.E2E_HEADED !== "1",
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
    ...options,
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  const allowed = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const where = message.location() || {};
    const line = `${message.text()} (${where.url || "?"})`;
    if (allowed.some((pattern) => pattern.test(line))) return;
    problems.push(`console error: ${message.text()} (${where.url || "?"}:${where.lineNumber ?? "?"})`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.stack || error.message}`));
  page.on("crash", () => problems.push("the page crashed"));

  return {
    context,
    page,
    problems,
    /** Accepts console errors matching `pattern` (text and URL) that the test itself provokes. */
    allow(pattern) {
      allowed.push(pattern);
    },
    /** Saves `target/e2e-artifacts/<name>.png` (full page). */
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    /** Throws when the page logged an error or threw. */
    check() {
      if (problems.length) throw new Error(`the browser reported errors:\n${problems.join("\n")}`);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `body(browser)` in a fresh browser, always saves a screenshot (`<name>.png`, or
 * `<name>-failed.png` when the body threw), and fails on any console or page error.
 */
export async function inBrowser(name, options, body) {
  const browser = await openBrowser(options);
  try {
    await body(browser);
    await browser.screenshot(name);
    browser.check();
  } catch (e) {
    try {
      const path = await browser.screenshot(`${name}-failed`);
      e.message += `\n(screenshot: ${path})`;
    } catch (_) {
      // the page is gone: no screenshot
    }
    if (browser.problems.length) e.message += `\nbrowser errors:\n${browser.problems.join("\n")}`;
    throw e;
  } finally {
    await browser.close();
  }
}

/** JSON over HTTP for setting up state without a browser. */
export async function json(method, url, body, headers = {}) {
  const response = await fetch(url, {
    method,
    headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (_) {
    parsed = text;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Polls `probe()` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function eventually(what, probe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(250);
  }
}
