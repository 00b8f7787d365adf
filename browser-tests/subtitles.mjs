// Browser scenario for subtitles: each member picks their own track while the host plays.
//
//   node subtitles.mjs pick
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

await runScenario({ pick: pickScenario });
