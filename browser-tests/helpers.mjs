// Shared by the watch page's browser scenarios (watchpage.mjs, panels.mjs): the environment, a
// headless Chromium, signed-in pages, room creation, player sampling and the scenario runner.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";

/** The scenario running (with `--serve`, the one named last on standard input). */
export let scenario = process.argv[2];
export const base = mustEnv("CINEMASYNC_URL").replace(/\/$/, "");
export const videoUrl = mustEnv("CINEMASYNC_VIDEO_URL");
export const artifacts = process.env.CINEMASYNC_ARTIFACTS ?? path.resolve("artifacts");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const TOLERANCE_MS = 150;

export function mustEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return v;
}

export const log = (...args) => console.log(`[${scenario}]`, ...args);
export const sleep = ms => new Promise(r => setTimeout(r, ms));

export class Failure extends Error {}
export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

export async function launch() {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
      "--mute-audio",
    ],
  });
}

/** A new page that records script errors (HTTP errors the page expects are not script errors). */
export async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", err => errors.push(String(err)));
  page.on("console", msg => { if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) errors.push(msg.text()); });
  page.errors = errors;
  return page;
}

/**
 * A signed-in page: opens `path`, signs in with the keyboard (Enter submits). `clockSkewMs`
 * moves the page's monotonic clock (performance.now, which the sync engine reads) so that the clock
 * offset estimate has something to find.
 */
export async function signedInPage(browser, name, urlPath = "/", viewport = { width: 1280, height: 800 }, clockSkewMs = 0, origin = base) {
  const context = await browser.newContext({ viewport });
  if (clockSkewMs) {
    await context.addInitScript(skew => {
      const now = performance.now.bind(performance);
      performance.now = () => now() + skew;
    }, clockSkewMs);
  }
  const page = await newPage(context);
  await signIn(page, name, urlPath, origin);
  return page;
}

/** Opens `urlPath` and signs in with the development form, by keyboard (Enter submits). */
export async function signIn(page, name, urlPath = "/", origin = base) {
  await page.goto(origin + urlPath);
  await page.locator("#signin-name").fill(name);
  await page.locator("#signin-name").press("Enter");
}

/**
 * Serves `videoUrl` to `context` from a copy with only the first `bytes` available until
 * `release()`: requests past them wait, so the player runs out of data there, as on a slow network.
 */
export async function starveVideo(context, bytes) {
  let release;
  const released = new Promise(r => { release = r; });
  let file = null;
  await context.route(url => url.href === videoUrl, async route => {
    file ??= Buffer.from(await (await fetch(videoUrl)).arrayBuffer());
    const range = /bytes=(\d+)-(\d*)/.exec(route.request().headers().range ?? "");
    const start = range ? Number(range[1]) : 0;
    let end = range && range[2] ? Number(range[2]) : file.length - 1;
    if (start >= bytes) await released;
    else end = Math.min(end, bytes - 1);
    await route.fulfill({
      status: 206,
      headers: { "content-type": "video/webm", "accept-ranges": "bytes", "content-range": `bytes ${start}-${end}/${file.length}` },
      body: file.subarray(start, end + 1),
    }).catch(() => {}); // the player may have given up on this request meanwhile
  });
  return { release: () => release() };
}


export async function createRoom(page, options) {
  await fillCreateForm(page, options);
  await page.locator("#view-room").waitFor({ state: "visible" });
  const roomId = new URL(page.url()).searchParams.get("room");
  check(roomId, "the room page has no ?room= in its address");
  return roomId;
}

export async function fillCreateForm(page, { name, password, driveFileId }) {
  await page.locator("#view-lobby").waitFor({ state: "visible" });
  await page.locator("#create-name").fill(name);
  if (driveFileId) await page.locator('input[name="create-source"][value="googleDrive"]').check();
  await page.locator("#create-url").fill(driveFileId ?? videoUrl);
  if (password) {
    await page.locator("#create-private").check();
    await page.locator("#create-password").fill(password);
  }
  await page.locator("#create-form button[type=submit]").click();
}

export async function videoReady(page) {
  await page.waitForFunction(() => document.getElementById("video").readyState >= 1, null, { timeout: 15000 });
}

/** Both players sampled at (nearly) the same moment; the member's time is projected onto the host's sample time. */
export async function sample(host, member) {
  const read = () => {
    const v = document.getElementById("video");
    return { t: Date.now(), ct: v.currentTime, paused: v.paused, rate: v.playbackRate };
  };
  const [h, m] = await Promise.all([host.evaluate(read), member.evaluate(read)]);
  const playing = !h.paused && !m.paused;
  const diffMs = ((m.ct - h.ct) - (playing ? ((m.t - h.t) / 1000) * m.rate : 0)) * 1000;
  return { diffMs, host: h, member: m };
}

export async function expectInSync(host, member, what, samples = 4) {
  const seen = [];
  for (let i = 0; i < samples; i++) {
    const s = await sample(host, member);
    seen.push(s);
    await sleep(250);
  }
  const worst = Math.max(...seen.map(s => Math.abs(s.diffMs)));
  log(`${what}: host at ${seen.at(-1).host.ct.toFixed(3)} s, member-host ${seen.map(s => s.diffMs.toFixed(0)).join(", ")} ms`);
  check(worst < TOLERANCE_MS, `${what}: the member is ${worst.toFixed(0)} ms away from the host (limit ${TOLERANCE_MS} ms)`);
  return seen;
}


export function noPageErrors(...pages) {
  const errors = pages.flatMap(p => p.errors);
  check(errors.length === 0, `errors in the page: ${errors.join(" | ")}`);
}

/**
 * Runs `scenarios[scenario]` in one headless Chromium: prints `RESULT <json>`, or `FAILED <why>` and
 * screenshots, and exits 0 or 1. With `--serve` instead of a scenario name, one Chromium runs the
 * scenarios named one per line on standard input, each in its own browser contexts and ended by a
 * line `DONE <0|1>` (CinemaSync.Tests/Infrastructure/BrowserScenarioSession.cs); end of input ends it.
 */
export async function runScenario(scenarios) {
  if (scenario !== "--serve" && !scenarios[scenario]) {
    console.error(`usage: node ${path.basename(process.argv[1])} <${Object.keys(scenarios).join("|")}|--serve>`);
    process.exit(2);
  }
  const browser = await launch();
  let exitCode = 0;
  try {
    if (scenario !== "--serve") {
      exitCode = await runOne(browser, scenarios[scenario]) ? 0 : 1;
    } else {
      for await (const line of readline.createInterface({ input: process.stdin })) {
        if (!line.trim()) continue;
        scenario = line.trim();
        const passed = scenarios[scenario] ? await runOne(browser, scenarios[scenario]) : (console.log(`FAILED no scenario "${scenario}"`), false);
        console.log(`DONE ${passed ? 0 : 1}`);
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(exitCode);
}

/** One scenario; its browser contexts are closed afterwards. */
async function runOne(browser, run) {
  try {
    const result = await run(browser);
    console.log(`RESULT ${JSON.stringify({ scenario, ok: true, ...result })}`);
    return true;
  } catch (err) {
    console.log(`FAILED ${err instanceof Failure ? err.message : err.stack ?? err}`);
    try {
      mkdirSync(artifacts, { recursive: true });
      let i = 0;
      for (const context of browser.contexts())
        for (const page of context.pages()) await page.screenshot({ path: path.join(artifacts, `failure-${scenario}-${i++}.png`) });
    } catch { /* best effort */ }
    return false;
  } finally {
    for (const context of browser.contexts()) await context.close().catch(() => {});
  }
}
