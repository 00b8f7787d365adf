// Browser scenarios for the watch page: headless Debian Chromium driven by playwright-core.
//
//   node watchpage.mjs <sync|chat|password|reconnect|autoplay|buffering|firebase|nosignin>
//
// Environment: CINEMASYNC_URL (the web node, e.g. http://127.0.0.1:5000), CINEMASYNC_VIDEO_URL
// (a direct link to a test video of at least 40 s), CINEMASYNC_ARTIFACTS (folder for
// screenshots, default ./artifacts), CINEMASYNC_SYNC_MEASURE (seconds of member-vs-host
// measurement in the sync scenario, default 4), CHROMIUM_PATH (default /usr/bin/chromium),
// CINEMASYNC_FIREBASE_EMULATOR_URL (the firebase scenario: the fake Auth emulator, for its /stats).
//
// Normally started by the xunit test CinemaSync.Tests/Browser/WatchPageBrowserTests.cs,
// which serves the page and the video. Prints progress, then one line `RESULT <json>`;
// exits 1 with the reason on failure.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  TOLERANCE_MS, artifacts, base, check, createRoom, expectInSync, fillCreateForm, log, mustEnv, newPage, noPageErrors,
  runScenario, sample, signIn, signedInPage, sleep, starveVideo, videoReady,
} from "./helpers.mjs";

// The sync scenario's member may reach the server through a delaying proxy (CINEMASYNC_SYNC_LATENCY_MS).
const memberBase = (process.env.CINEMASYNC_MEMBER_URL ?? base).replace(/\/$/, "");
const memberLatencyMs = Number(process.env.CINEMASYNC_MEMBER_LATENCY_MS ?? "0");
const measureSeconds = Number(process.env.CINEMASYNC_SYNC_MEASURE ?? "4");

async function measure(host, member, seconds) {
  const diffs = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const started = Date.now();
    const s = await sample(host, member);
    if (!s.host.paused && !s.member.paused) diffs.push(s.diffMs);
    await sleep(Math.max(0, 250 - (Date.now() - started)));
  }
  const abs = diffs.map(Math.abs).sort((a, b) => a - b);
  const median = abs.length ? (abs[(abs.length - 1) >> 1] + abs[abs.length >> 1]) / 2 : NaN;
  const signed = [...diffs].sort((a, b) => a - b);
  return {
    seconds,
    samples: diffs.length,
    median_abs_ms: round(median),
    max_abs_ms: round(abs.at(-1)),
    signed_median_ms: round(signed[(signed.length - 1) >> 1]),
    p95_abs_ms: round(abs[Math.min(abs.length - 1, Math.floor(abs.length * 0.95))]),
  };
}


const round = x => Math.round(x * 10) / 10;

async function syncScenario(browser) {
  const host = await signedInPage(browser, "Host Ana");
  const roomId = await createRoom(host, { name: "Sync check" });
  // The member's clock is 4.2 s ahead of the host's and the server's: only the clock offset
  // from sync_time keeps it in step.
  const member = await signedInPage(browser, "Member Ben", `/?room=${roomId}`, undefined, 4200, memberBase);
  if (memberLatencyMs) log(`the member reaches the server through a proxy adding ${memberLatencyMs} ms each way`);
  await member.locator("#view-room").waitFor({ state: "visible" });
  await member.waitForFunction(() => window.cinemaSync.clock?.samples.length >= 3);
  const [hostOffset, memberOffset] = await Promise.all([host, member].map(p => p.evaluate(() => window.cinemaSync.clock.offsetMs)));
  log(`estimated clock offsets: host ${hostOffset.toFixed(1)} ms, member ${memberOffset.toFixed(1)} ms (member's clock moved 4200 ms ahead)`);
  check(Math.abs(memberOffset - hostOffset + 4200) < 50, "the member's clock offset estimate is wrong");
  await videoReady(host);
  await videoReady(member);
  await host.locator("#participants li").nth(1).waitFor();
  check(await member.locator("#host-controls").isHidden(), "a member sees the host controls");

  log("host presses Play");
  await host.locator("#play-toggle").click();
  await Promise.all([host, member].map(p => p.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 15000 })));
  await sleep(3000);
  await expectInSync(host, member, "3 s after play");

  log("host jumps +10 s");
  await host.locator("#fwd10").click();
  await sleep(3000);
  const afterSeek = await expectInSync(host, member, "3 s after a seek");
  check(afterSeek.at(-1).host.ct > 14, `the seek did not move the host (at ${afterSeek.at(-1).host.ct} s)`);

  log("host pauses");
  await host.locator("#play-toggle").click();
  await Promise.all([host, member].map(p => p.waitForFunction(() => document.getElementById("video").paused, null, { timeout: 15000 })));
  await sleep(700);
  await expectInSync(host, member, "paused");

  log("a member's own Play is overridden by the room's state");
  await member.evaluate(() => document.getElementById("video").play());
  await sleep(700);
  check(await member.evaluate(() => document.getElementById("video").paused), "the member's local play was not overridden");

  log("host resumes");
  await host.locator("#play-toggle").click();
  await sleep(3000);
  await expectInSync(host, member, "3 s after resume");

  log(`measuring member vs host for ${measureSeconds} s (every 250 ms)`);
  const stats = await measure(host, member, measureSeconds);
  log(`member-host currentTime over ${stats.seconds} s: median |diff| ${stats.median_abs_ms} ms, p95 ${stats.p95_abs_ms} ms, max ${stats.max_abs_ms} ms (${stats.samples} samples)`);
  check(stats.samples > 0, "no samples while both were playing");
  check(stats.max_abs_ms < TOLERANCE_MS, `the member drifted ${stats.max_abs_ms} ms from the host during the measurement`);
  const indicator = await member.locator("#sync-text").textContent();
  check(/drift [+-]?\d+ ms · RTT \d+ ms/.test(indicator), `the sync indicator shows "${indicator}"`);
  log(`member's indicator: ${indicator}`);
  noPageErrors(host, member);
  const rtt = await member.evaluate(() => window.cinemaSync.clock.rttMs);
  return { room_id: roomId, measure: { ...stats, member_latency_ms: memberLatencyMs, member_rtt_ms: round(rtt) } };
}

async function chatScenario(browser) {
  const host = await signedInPage(browser, "Ana");
  const roomId = await createRoom(host, { name: "Friday movie night" });
  const member = await signedInPage(browser, "Ben", `/?room=${roomId}`);
  await member.locator("#view-room").waitFor({ state: "visible" });
  await host.locator("#participants li").nth(1).waitFor();

  await host.locator("#chat-input").fill("Popcorn ready? 🍿");
  await host.locator("#chat-input").press("Enter");
  await member.locator("#chat-log li", { hasText: "Popcorn ready?" }).waitFor({ timeout: 15000 });
  await member.locator("#chat-input").fill("Yes! Start it");
  await member.locator("#chat-input").press("Enter");
  await host.locator("#chat-log li", { hasText: "Yes! Start it" }).waitFor({ timeout: 15000 });
  check(await host.locator("#chat-input").inputValue() === "", "the chat input was not cleared after sending");
  log("chat crossed both ways");

  const memberRow = host.locator("#participants li", { hasText: "Ben" });
  check(/member/.test(await memberRow.textContent()) && /connected/.test(await memberRow.textContent()), "the participant list lacks the member's role or connection state");
  check(/host/.test(await host.locator("#participants li", { hasText: "Ana" }).textContent()), "the host is not marked host");

  await videoReady(host);
  await host.locator("#play-toggle").focus();
  await host.keyboard.press("Enter"); // keyboard only: the controls are real buttons
  await member.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 15000 });
  await sleep(1500);
  // Every reaction the page offers is drawn with a colour emoji font, not a text font's outline.
  const COLOUR_EMOJI = /^(Noto Color Emoji|Apple Color Emoji|Segoe UI Emoji|Twemoji Mozilla)$/;
  const emoji = await member.locator("#reactions button[data-emoji]").evaluateAll(bs => bs.map(b => b.dataset.emoji));
  check(emoji.length >= 6, `only ${emoji.length} reaction buttons`);
  for (const e of emoji) {
    const fonts = await fontsUsed(member, `#reactions button[data-emoji="${e}"]`);
    check(fonts.length > 0 && fonts.every(f => COLOUR_EMOJI.test(f)), `the reaction ${e} is drawn with ${fonts.join(", ")}`);
  }
  await member.locator("#chat-input").fill("😂 that scene");
  await member.locator("#chat-input").press("Enter");
  await member.locator("#chat-log li .text", { hasText: "that scene" }).waitFor({ timeout: 15000 });
  const chatFonts = await fontsUsed(member, "#chat-log li:last-child .text");
  check(chatFonts.some(f => COLOUR_EMOJI.test(f)) && chatFonts.some(f => !COLOUR_EMOJI.test(f)),
    `a chat line with an emoji is drawn with ${chatFonts.join(", ")} (a colour emoji font for the emoji, a text font for the text)`);
  log(`reactions ${emoji.join(" ")} in colour; a chat line uses ${chatFonts.join(" + ")}`);
  await member.locator('#reactions button[data-emoji="🎉"]').click();
  await host.locator("#reaction-layer .reaction").first().waitFor({ timeout: 15000 });
  log("a reaction burst reached the host");
  await sleep(350);
  mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, "watch-page.png");
  await host.screenshot({ path: file });
  log(`screenshot: ${file}`);

  // A phone-sized screen: no horizontal scrolling.
  const phone = await signedInPage(browser, "Cleo", `/?room=${roomId}`, { width: 390, height: 844 });
  await phone.locator("#view-room").waitFor({ state: "visible" });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `the room page scrolls sideways on a phone (${overflow} px)`);
  await phone.screenshot({ path: path.join(artifacts, "watch-page-phone.png"), fullPage: true });
  noPageErrors(host, member, phone);
  return { room_id: roomId, screenshot: file };
}

async function passwordScenario(browser) {
  const host = await signedInPage(browser, "Dana");
  const roomId = await createRoom(host, { name: "Private screening", password: "open sesame" });
  const guest = await signedInPage(browser, "Eli", `/?room=${roomId}`);
  await guest.locator("#view-password").waitFor({ state: "visible" });
  await guest.locator("#room-password").fill("wrong guess");
  await guest.locator("#room-password").press("Enter");
  const error = guest.locator("#password-error");
  await error.filter({ hasText: "Wrong password" }).waitFor({ timeout: 15000 });
  log(`wrong password shows: ${await error.textContent()}`);
  check(await guest.locator("#view-room").isHidden(), "a wrong password opened the room");
  await guest.locator("#room-password").fill("  open sesame ");
  await guest.locator("#room-password").press("Enter");
  await guest.locator("#view-room").waitFor({ state: "visible" });
  await host.locator("#participants li", { hasText: "Eli" }).waitFor({ timeout: 15000 });
  log("the right password (surrounding spaces trimmed) lets the guest in");

  // Every contract error code has a human message.
  const missing = await guest.evaluate(async () => {
    const { ERROR_MESSAGES } = await import("/lib/cinemasync-client.js");
    const codes = ["unauthorized", "forbidden", "invalid_payload", "room_not_found", "room_closed", "invalid_password",
      "not_member", "not_host", "room_full", "banned", "chat_disabled", "reactions_disabled", "stale_version",
      "rate_limited", "google_not_connected", "drive_error", "file_not_found", "unavailable", "invalid_invite", "item_not_found",
      "not_configured"];
    return codes.filter(c => !ERROR_MESSAGES[c]);
  });
  check(missing.length === 0, `no message for ${missing.join(", ")}`);

  // A Google Drive room on a server with no Drive configured: the server refuses it, the form says why.
  const drive = await signedInPage(browser, "Gus");
  await fillCreateForm(drive, { name: "Drive night", driveFileId: "1AbCdEfGhIjK" });
  const message = drive.locator("#create-error");
  await message.filter({ hasText: "Google Drive" }).waitFor({ timeout: 15000 });
  log(`a Drive room on a server without Drive shows: ${await message.textContent()}`);

  // A link to a room that does not exist.
  const lost = await signedInPage(browser, "Finn", "/?room=doesNotExist1");
  await lost.locator("#join-error", { hasText: "does not exist" }).waitFor({ timeout: 15000 });
  noPageErrors(host, guest, lost, drive);
  return { room_id: roomId };
}

async function reconnectScenario(browser) {
  const host = await signedInPage(browser, "Hana");
  const roomId = await createRoom(host, { name: "Flaky wifi" });
  // Keep the member's WebSockets at hand, to cut them as a network drop would.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.__sockets.push(this);
      }
    };
  });
  const member = await context.newPage();
  member.errors = [];
  member.on("pageerror", err => member.errors.push(String(err)));
  await signIn(member, "Ivo", `/?room=${roomId}`);
  await member.locator("#view-room").waitFor({ state: "visible" });
  await videoReady(host);
  await videoReady(member);
  await host.locator("#play-toggle").click();
  await member.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 15000 });

  const before = await member.evaluate(() => window.cinemaSync.connection.connectionId);
  await member.evaluate(() => window.__sockets.at(-1).close(4000, "test: network drop"));
  await member.waitForFunction(id => {
    const c = window.cinemaSync.connection;
    return c.state === "Connected" && c.connectionId && c.connectionId !== id;
  }, before, { timeout: 15000 });
  log("the member's connection dropped and came back");

  // After the automatic reconnect the page re-joins: later events reach the member again.
  await sleep(500);
  await host.locator("#play-toggle").click(); // pause
  await member.waitForFunction(() => document.getElementById("video").paused, null, { timeout: 15000 });
  await sleep(500);
  await expectInSync(host, member, "paused after the member's reconnect");
  await host.locator("#chat-input").fill("still there?");
  await host.locator("#chat-input").press("Enter");
  await member.locator("#chat-log li", { hasText: "still there?" }).waitFor({ timeout: 15000 });
  check(await member.locator("#banner").isHidden(), "the reconnecting banner is still shown");
  log("after re-joining, the member follows playback and gets chat");
  noPageErrors(host, member);
  return { room_id: roomId };
}

async function autoplayScenario(browser) {
  const host = await signedInPage(browser, "Jo");
  const roomId = await createRoom(host, { name: "Strict browser" });
  await videoReady(host);
  await host.locator("#play-toggle").click();
  // Headless Chromium here lets media play whatever --autoplay-policy says, so the member's page
  // gets the policy of a desktop browser emulated: play() before any click or key press in the
  // document is refused with NotAllowedError.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    let activated = false;
    for (const type of ["pointerdown", "keydown"]) addEventListener(type, () => { activated = true; }, true);
    const nativePlay = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function () {
      if (!activated) return Promise.reject(new DOMException("play() needs a user gesture", "NotAllowedError"));
      return nativePlay.call(this);
    };
  });
  const member = await context.newPage();
  member.errors = [];
  member.on("pageerror", err => member.errors.push(String(err)));
  // Signed in already (a reload of a room tab): no gesture in this document yet.
  await member.goto(`${base}/`);
  await member.locator("#signin-name").fill("Kim");
  await member.locator("#signin-name").press("Enter");
  await member.locator("#view-lobby").waitFor({ state: "visible" });
  await member.goto(`${base}/?room=${roomId}`);
  await member.locator("#view-room").waitFor({ state: "visible" });
  const start = member.locator("#unblock");
  await start.waitFor({ state: "visible", timeout: 10000 });
  check(await member.evaluate(() => document.getElementById("video").paused), "the video played without a user gesture");
  log(`autoplay refused; the page offers "${(await start.textContent()).trim()}"; indicator: ${await member.locator("#sync-text").textContent()}`);
  await start.click();
  await member.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 15000 });
  check(await start.isHidden(), "the Start button stays after it was pressed");
  await sleep(3000);
  await expectInSync(host, member, "3 s after the member pressed Start");
  noPageErrors(host, member);
  return { room_id: roomId };
}

async function bufferingScenario(browser) {
  const host = await signedInPage(browser, "Lea");
  const roomId = await createRoom(host, { name: "Slow wifi" });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The first 200 kB of the test video (a few seconds), then nothing until released.
  const network = await starveVideo(context, 200_000);
  const member = await newPage(context);
  await signIn(member, "Max", `/?room=${roomId}`);
  await member.locator("#view-room").waitFor({ state: "visible" });
  await videoReady(host);
  await videoReady(member);
  const memberId = await member.evaluate(() => window.cinemaSync.session.user.user_id);
  // Record the report_status payloads the page's client sends to the hub.
  await member.evaluate(() => {
    const client = window.cinemaSync.client;
    const invoke = client.invoke.bind(client);
    window.__reports = [];
    client.invoke = (method, payload, options) => {
      if (method === "report_status") window.__reports.push({ ...payload });
      return invoke(method, payload, options);
    };
  });
  await host.locator("#participants li").nth(1).waitFor();
  await member.waitForFunction(() => window.cinemaSync.reporter?.state === "ready", null, { timeout: 10000 });

  log("host presses Play; the member's network has only the first 200 kB of the video");
  await host.locator("#play-toggle").click();
  await member.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 15000 });
  await member.waitForFunction(() => window.__reports.some(r => r.state === "buffering"), null, { timeout: 15000 });
  const stalledAt = await member.evaluate(() => document.getElementById("video").currentTime);
  log(`the member's video stalled at ${stalledAt.toFixed(2)} s; the page sent report_status buffering`);
  await host.waitForFunction(() => window.cinemaSync.room?.playback_state.status === "waiting", null, { timeout: 15000 });
  await host.waitForFunction(id => window.cinemaSync.room.participants.find(p => p.user_id === id)?.sync?.status === "buffering",
    memberId, { timeout: 15000 });
  await host.waitForFunction(() => document.getElementById("video").paused, null, { timeout: 15000 });
  const viaRest = await host.evaluate(id => window.cinemaSync.api.getRoom(window.cinemaSync.roomId)
    .then(r => ({ status: r.playback_state.status, member: r.participants.find(p => p.user_id === id).sync })), memberId);
  check(viaRest.status === "waiting" && viaRest.member.status === "buffering", `the server says ${JSON.stringify(viaRest)}`);
  log(`the host sees the member buffering (member_status) and the room waiting; GET /api/rooms says ${JSON.stringify(viaRest)}`);

  await sleep(1000);
  log("the network comes back");
  network.release();
  await member.waitForFunction(() => window.__reports.at(-1)?.state === "ready", null, { timeout: 10000 });
  await host.waitForFunction(() => window.cinemaSync.room?.playback_state.status === "playing", null, { timeout: 15000 });
  await host.waitForFunction(id => window.cinemaSync.room.participants.find(p => p.user_id === id)?.sync?.status === "ok",
    memberId, { timeout: 15000 });
  await Promise.all([host, member].map(p => p.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 15000 })));
  const reports = await member.evaluate(() => window.__reports);
  const buffering = reports.find(r => r.state === "buffering");
  check(buffering.room_id === roomId && Number.isInteger(buffering.rtt_ms) && buffering.rtt_ms >= 0,
    `report_status without the room or rtt_ms: ${JSON.stringify(buffering)}`);
  check(Math.abs(buffering.position - stalledAt) < 1, `report_status position ${buffering.position}, stalled at ${stalledAt}`);
  log(`the page sent ${reports.map(r => `${r.state} at ${r.position.toFixed(2)} s (rtt ${r.rtt_ms} ms)`).join(", ")}; the room plays again`);
  await sleep(3000);
  await expectInSync(host, member, "3 s after the member caught up");
  noPageErrors(host, member);
  // The states the page went through (the heartbeat repeats the current one every few seconds).
  const transitions = reports.map(r => r.state).filter((state, i, all) => i === 0 || all[i - 1] !== state);
  return { room_id: roomId, stalled_at: stalledAt, reports: reports.map(r => r.state), transitions };
}

async function firebaseScenario(browser) {
  const emulator = mustEnv("CINEMASYNC_FIREBASE_EMULATOR_URL").replace(/\/$/, "");
  const stats = async () => (await fetch(`${emulator}/stats`)).json();
  const storedSession = page => page.evaluate(() => JSON.parse(sessionStorage.getItem("cinemasync.session") ?? "null"));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await page.goto(`${base}/`);
  await page.locator("#signin-google").waitFor({ state: "visible", timeout: 15000 });
  check(await page.locator("#signin-form").isHidden(), "the development sign-in form is shown on a server with dev login off");
  check(await page.locator("#signin-none").isHidden(), "the page says there is no sign-in although Firebase is configured");
  check(await page.locator("#signin-password-form").isVisible(), "no e-mail and password form although the server offers it");
  log(`sign-in page: "${(await page.locator("#signin-google").textContent()).trim()}", e-mail form; ${await page.locator("#signin-emulator").textContent()}`);

  // No such account yet.
  await page.locator("#signin-email").fill("ana@example.test");
  await page.locator("#signin-password").fill("popcorn-night");
  await page.locator("#signin-password").press("Enter");
  await page.locator("#signin-error", { hasText: "Wrong e-mail or password" }).waitFor({ timeout: 10000 });
  log(`unknown account: ${await page.locator("#signin-error").textContent()}`);

  await page.locator("#signin-create").click();
  await page.locator("#view-lobby").waitFor({ state: "visible", timeout: 15000 });
  const first = await storedSession(page);
  check(first?.via === "firebase" && first.user.user_id.startsWith("fbuid"), `the session is not a Firebase one: ${JSON.stringify(first)}`);
  check((await page.locator("#me-name").textContent()) === "ana", "the name shown is not the e-mail's local part");
  log(`account created and exchanged: backend user ${first.user.user_id} "${first.user.display_name}"`);

  // The backend token works for REST and the hub.
  const roomId = await createRoom(page, { name: "Firebase night" });
  log(`room ${roomId} created and joined`);

  // The backend token expired: on reload the page gets a new one from Firebase, without asking.
  const before = await stats();
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem("cinemasync.session"));
    s.expires_at = Date.now() - 1000;
    sessionStorage.setItem("cinemasync.session", JSON.stringify(s));
  });
  await page.reload();
  await page.locator("#view-room").waitFor({ state: "visible", timeout: 15000 });
  const renewed = await storedSession(page);
  const after = await stats();
  check(renewed.token !== first.token && renewed.user.user_id === first.user.user_id, "no new backend token for the same user after reload");
  check(after.refreshes > before.refreshes, "the expired ID token was not refreshed through securetoken");
  log(`expired backend token: renewed silently (securetoken refreshes ${before.refreshes} → ${after.refreshes})`);

  // Another tab has no backend token of its own: Firebase's persisted sign-in gives it one.
  const tab = await newPage(context);
  await tab.goto(`${base}/`);
  await tab.locator("#view-lobby").waitFor({ state: "visible", timeout: 15000 });
  check((await storedSession(tab))?.user.user_id === first.user.user_id, "the second tab is another user");
  await tab.close();

  // Sign out ends the Firebase session too: a reload stays signed out.
  await page.locator("#sign-out").click();
  await page.locator("#view-signin").waitFor({ state: "visible" });
  await page.reload();
  await page.locator("#signin-google").waitFor({ state: "visible", timeout: 15000 });
  check(await page.locator("#whoami").isHidden(), "still signed in after signing out and reloading");

  // Signing in again with the password: the same user, back in the room of the address.
  await page.locator("#signin-email").fill("ana@example.test");
  await page.locator("#signin-password").fill("popcorn-night");
  await page.locator("#signin-password-submit").click();
  await page.locator("#view-room").waitFor({ state: "visible", timeout: 15000 });
  const again = await storedSession(page);
  check(again.user.user_id === first.user.user_id, `signed in as another user: ${again.user.user_id}`);
  log("signed out (Firebase too), signed in again with the password: same user");
  noPageErrors(page);
  return { room_id: roomId, user_id: first.user.user_id };
}

async function noSignInScenario(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await page.goto(`${base}/`);
  const none = page.locator("#signin-none");
  await none.waitFor({ state: "visible", timeout: 15000 });
  check(await page.locator("#signin-form").isHidden(), "the development sign-in form is shown on a server with dev login off");
  check(await page.locator("#signin-firebase").isHidden(), "Firebase sign-in is offered on a server without it");
  const text = (await none.textContent()).replace(/\s+/g, " ").trim();
  check(text.includes("FIREBASE_API_KEY"), `the sentence does not say what to set: ${text}`);
  log(`a server with no sign-in says: ${text}`);
  noPageErrors(page);
  return {};
}

/** The platform fonts Chromium drew an element's text with (DevTools protocol), by family name. */
async function fontsUsed(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    check(nodeId, `no element ${selector}`);
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    return fonts.map(f => f.familyName);
  } finally {
    await cdp.detach();
  }
}

const scenarios = {
  sync: syncScenario, chat: chatScenario, password: passwordScenario, reconnect: reconnectScenario, autoplay: autoplayScenario,
  buffering: bufferingScenario,
  firebase: firebaseScenario, nosignin: noSignInScenario,
};
await runScenario(scenarios);
