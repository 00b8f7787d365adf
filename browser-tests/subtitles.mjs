// Browser scenario for subtitles: each member picks their own track while the host plays.
//
//   node subtitles.mjs pick | manage
//
// Environment as watchpage.mjs, plus CINEMASYNC_SUBTITLES_URL: where en.srt and pt.vtt are served
// (a cue every 2 s saying "EN <second>" / "PT <second>"). CINEMASYNC_SCREENSHOTS: where the
// screenshot goes (default the artifacts folder).
//
// Started by CinemaSync.Tests/Browser/SubtitlesBrowserTests.cs.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { artifacts, check, createRoom, log, mustEnv, noPageErrors, runScenario, signedInPage, sleep, videoReady } from "./helpers.mjs";

const subtitlesUrl = mustEnv("CINEMASYNC_SUBTITLES_URL");

/** The video's time and the text of the cue showing now (null: none shown). */
const cueNow = page => page.evaluate(() => {
  const video = document.getElementById("video");
  const showing = [...video.textTracks].filter(t => t.mode === "showing");
  const cue = showing[0]?.activeCues?.[0];
  return { t: video.currentTime, showing: showing.map(t => t.label), text: cue ? cue.text : null };
});

async function addTrack(host, url, label, language) {
  if (!(await host.locator("#subtitle-manage").evaluate(d => d.open))) await host.locator("#subtitle-manage summary").click();
  await host.locator("#subtitle-url").fill(url);
  await host.locator("#subtitle-label").fill(label);
  await host.locator("#subtitle-language").fill(language);
  await host.locator("#subtitle-add-form button[type=submit]").click();
  await host.locator("#subtitle-select option", { hasText: label }).waitFor({ state: "attached" });
}

/** Waits until the page shows a cue of `prefix`, and returns what it shows. */
async function showsCue(page, prefix) {
  try {
    await page.waitForFunction(p => {
      const video = document.getElementById("video");
      const cue = [...video.textTracks].find(t => t.mode === "showing")?.activeCues?.[0];
      return cue && cue.text.startsWith(p);
    }, prefix, { timeout: 10000 });
  } catch {
    const state = await page.evaluate(() => ({
      t: document.getElementById("video").currentTime,
      tracks: [...document.querySelectorAll("#video track")].map(e => ({ label: e.label, src: e.src, mode: e.track.mode, ready: e.readyState, cues: e.track.cues?.length })),
      status: document.getElementById("subtitle-status").textContent,
    }));
    check(false, `no "${prefix}" cue shows: ${JSON.stringify(state)}`);
  }
  return cueNow(page);
}

async function pickScenario(browser) {
  const host = await signedInPage(browser, "Ana");
  const roomId = await createRoom(host, { name: "Subtitles night" });
  const ben = await signedInPage(browser, "Ben", `/?room=${roomId}`);
  const cleo = await signedInPage(browser, "Cleo", `/?room=${roomId}`);
  for (const p of [ben, cleo]) await p.locator("#view-room").waitFor({ state: "visible" });
  await addTrack(host, new URL("en.srt", subtitlesUrl).href, "English", "en");
  await addTrack(host, new URL("pt.vtt", subtitlesUrl).href, "Português", "pt");
  for (const p of [ben, cleo]) await p.locator("#subtitle-select option", { hasText: "Português" }).waitFor({ state: "attached" });

  await ben.locator("#subtitle-select").selectOption({ label: "English (en)" });
  await cleo.locator("#subtitle-select").selectOption({ label: "Português (pt)" });
  for (const p of [host, ben, cleo]) await videoReady(p);
  await host.locator("#play-toggle").click();
  await ben.waitForFunction(() => document.getElementById("video").currentTime > 3, null, { timeout: 15000 });

  const [b, c] = await Promise.all([showsCue(ben, "EN "), showsCue(cleo, "PT ")]);
  const [bNow, cNow] = await Promise.all([cueNow(ben), cueNow(cleo)]);
  log(`Ben at ${bNow.t.toFixed(2)} s sees "${bNow.text}" (${bNow.showing}); Cleo at ${cNow.t.toFixed(2)} s sees "${cNow.text}" (${cNow.showing})`);
  check(b.text.startsWith("EN ") && c.text.startsWith("PT "), `Ben sees "${b.text}", Cleo "${c.text}"`);
  check(Math.abs(bNow.t - cNow.t) < 0.5, `the players are ${Math.abs(bNow.t - cNow.t).toFixed(2)} s apart`);
  // Same moment, same cue number: each sees their own language of the same line.
  const second = s => Number(s?.split(" ")[1]);
  check(Math.abs(second(bNow.text) - second(cNow.text)) <= 2, `Ben's cue "${bNow.text}" and Cleo's "${cNow.text}" are not the same moment`);
  const hostShows = (await cueNow(host)).showing;
  check(hostShows.length === 0, `the host chose nothing and sees ${hostShows.join(", ")}`);

  const dir = process.env.CINEMASYNC_SCREENSHOTS ?? artifacts;
  mkdirSync(dir, { recursive: true });
  const shots = { ben: path.join(dir, "subtitles-member-en.png"), cleo: path.join(dir, "subtitles-member-pt.png") };
  await Promise.all([ben.screenshot({ path: shots.ben }), cleo.screenshot({ path: shots.cleo })]);

  // Ben's choice is his own and comes back when he opens the room again.
  await ben.reload();
  await ben.locator("#view-room").waitFor({ state: "visible" });
  await ben.waitForFunction(() => document.getElementById("subtitle-select").value !== "", null, { timeout: 10000 });
  const restored = await ben.locator("#subtitle-select option:checked").textContent();
  check(restored === "English (en)", `after a reload Ben's menu says ${restored}`);
  const cleoChoice = await cleo.locator("#subtitle-select option:checked").textContent();
  check(cleoChoice === "Português (pt)", `Cleo's menu changed to ${cleoChoice}`);
  await sleep(200);
  noPageErrors(host, ben, cleo);
  return { room_id: roomId, ben: bNow, cleo: cNow, screenshots: shots };
}

/** The text of the option a page's select shows. */
const chosenText = (page, selector) => page.locator(`${selector} option:checked`).textContent();

async function waitForChosen(page, selector, text) {
  try {
    await page.waitForFunction(([s, t]) => document.querySelector(s)?.selectedOptions[0]?.textContent === t, [selector, text], { timeout: 10000 });
  } catch {
    check(false, `${selector} shows "${await chosenText(page, selector)}", not "${text}"`);
  }
}

/** The labels of the page's <track> elements that show. */
const showing = page => page.evaluate(() => [...document.getElementById("video").textTracks].filter(t => t.mode === "showing").map(t => t.label));

async function manageScenario(browser) {
  const host = await signedInPage(browser, "Dora");
  const roomId = await createRoom(host, { name: "Subtitle settings" });
  const ben = await signedInPage(browser, "Ben", `/?room=${roomId}`);
  await ben.locator("#view-room").waitFor({ state: "visible" });
  await addTrack(host, new URL("en.srt", subtitlesUrl).href, "English", "en");
  await addTrack(host, new URL("pt.vtt", subtitlesUrl).href, "Português", "pt");
  check(await ben.locator("#subtitle-manage").isHidden(), "a member sees the host's subtitle settings");

  // The room default: what Ben, who has not chosen, sees.
  await host.locator("#subtitle-default").selectOption({ label: "Português (pt)" });
  await waitForChosen(ben, "#subtitle-select", "Português (pt)");
  await ben.waitForFunction(() => [...document.getElementById("video").textTracks].some(t => t.mode === "showing" && t.label === "Português"), null, { timeout: 10000 });
  await waitForChosen(host, "#subtitle-default", "Português (pt)");

  // Rename: label and language, seen by everyone.
  await host.locator('#subtitle-tracks input[aria-label="Label of “English”"]').fill("English (SDH)");
  await host.locator('#subtitle-tracks input[aria-label="Language of “English”"]').fill("en-GB");
  await host.locator("#subtitle-tracks li", { has: host.locator('input[aria-label="Label of “English”"]') }).getByRole("button", { name: "Rename" }).click();
  await ben.locator("#subtitle-select option", { hasText: "English (SDH) (en-GB)" }).waitFor({ state: "attached", timeout: 10000 });
  const benTracks = await ben.evaluate(() => [...document.querySelectorAll("#video track")].map(t => `${t.label}/${t.srclang}`).sort());
  check(JSON.stringify(benTracks) === JSON.stringify(["English (SDH)/en-GB", "Português/pt"]), `Ben's <track>s are ${benTracks}`);
  await waitForChosen(ben, "#subtitle-select", "Português (pt)");
  const hostStatus = await host.locator("#subtitle-status").textContent();
  check(hostStatus.includes("English (SDH)"), `the host's status says "${hostStatus}"`);

  // Ben's own choice wins over the default; removing the default track leaves the room with none.
  await ben.locator("#subtitle-select").selectOption({ label: "English (SDH) (en-GB)" });
  await host.locator("#subtitle-tracks").getByRole("button", { name: "Remove “Português”" }).click();
  await waitForChosen(host, "#subtitle-default", "Off");
  await host.locator("#subtitle-tracks li").nth(1).waitFor({ state: "detached", timeout: 10000 });
  await waitForChosen(ben, "#subtitle-select", "English (SDH) (en-GB)");
  await ben.waitForFunction(() => [...document.getElementById("video").textTracks].some(t => t.mode === "showing" && t.label === "English (SDH)"), null, { timeout: 10000 });
  const benShows = await showing(ben);
  check(JSON.stringify(benShows) === '["English (SDH)"]', `Ben shows ${benShows}`);
  const hostShows = await showing(host);
  check(hostShows.length === 0, `the host chose nothing and, with no default, sees ${hostShows}`);

  // A bad label is refused with the server's sentence, and nothing changes.
  await host.locator('#subtitle-tracks input[aria-label="Language of “English (SDH)”"]').fill("not a language");
  await host.locator("#subtitle-tracks").getByRole("button", { name: "Rename" }).click();
  await host.waitForFunction(() => document.getElementById("subtitle-status").textContent.includes("language"), null, { timeout: 10000 });
  await sleep(200);
  noPageErrors(host, ben);
  return { room_id: roomId, ben: benShows };
}

await runScenario({ pick: pickScenario, manage: manageScenario });
