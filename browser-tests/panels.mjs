// Browser scenarios for the room's panels: queue, people (roles, kick, ban), invites, settings,
// playback speed, the Drive picker and Google connect, and the README's screenshots.
//
//   node panels.mjs <queue|cohost|kick|ban|invite|settings|speed|stall|google|screenshots>
//
// Environment as watchpage.mjs, and for `google` and `screenshots` (a server on the loopback Google
// fakes): CINEMASYNC_GOOGLE_URL (the fake Google's origin: its consent page reads the account from
// a cookie there), CINEMASYNC_GOOGLE_ACCOUNT (the Google account the browser is signed in to; the
// fake Drive holds its videos); CINEMASYNC_SCREENSHOTS (where `screenshots` writes its PNGs,
// default the artifacts folder; scripts/screenshots.sh points it at docs/screenshots).
//
// Started by CinemaSync.Tests/Browser/RoomPanelsBrowserTests.cs and DrivePickerBrowserTests.cs.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  artifacts, base, check, createRoom, expectInSync, log, mustEnv, noPageErrors, runScenario, signedInPage, sleep, starveVideo,
  videoReady, videoUrl,
} from "./helpers.mjs";

/** A host and `names.length` members in one room, each in their own browser context, all on the room page. */
async function roomWith(browser, hostName, names, options = {}) {
  const host = await signedInPage(browser, hostName);
  const roomId = await createRoom(host, { name: options.name ?? `${hostName}'s room`, ...options });
  const members = [];
  for (const name of names) {
    const page = await signedInPage(browser, name, `/?room=${roomId}`);
    await page.locator("#view-room").waitFor({ state: "visible" });
    members.push(page);
  }
  await host.locator("#participants li.person").nth(names.length).waitFor();
  return { host, members, roomId };
}

const playing = page => page.waitForFunction(() => !document.getElementById("video").paused, null, { timeout: 8000 });
const queueTitles = page => page.locator("#queue-list .queue-title .name").allTextContents();

/** Opens the person menu for `name` with the keyboard and picks the item whose label starts with `label`. */
async function personAction(page, name, label) {
  const button = page.getByRole("button", { name: `Actions for ${name}` });
  await button.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu", { name: `Actions for ${name}` });
  await menu.waitFor();
  const items = await menu.getByRole("menuitem").allTextContents();
  const index = items.findIndex(t => t.startsWith(label));
  check(index >= 0, `the menu for ${name} offers ${items.join(" | ")}, not "${label}…"`);
  for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  return items;
}

async function queueScenario(browser) {
  const { host, members: [ben, cleo], roomId } = await roomWith(browser, "Ana", ["Ben", "Cleo"], { name: "Queue night" });
  check(await ben.locator("#queue-controls").isHidden(), "a member sees the queue controls");
  const next = [`${videoUrl}?part=2`, `${videoUrl}?part=3`, `${videoUrl}?part=4`];
  for (const url of next) {
    await host.locator("#queue-url").fill(url);
    await host.locator("#queue-url").press("Enter");
    await host.locator("#queue-status", { hasText: "Added" }).waitFor();
    await host.waitForFunction(n => window.cinemaSync.room.queue.length === n, next.indexOf(url) + 1);
  }
  for (const page of [ben, cleo]) await page.locator("#queue-list li").nth(2).waitFor({ timeout: 15000 });
  log(`three links queued; Ben sees ${(await queueTitles(ben)).length}, Cleo sees ${(await queueTitles(cleo)).length}`);

  // Reorder with the keyboard: the third item moves up to second, then the first is removed.
  const ids = () => host.evaluate(() => window.cinemaSync.room.queue.map(i => i.item_id));
  const [first, second, third] = await ids();
  await host.locator(`#queue-list li[data-item-id="${third}"] button[aria-label^="Move"][aria-label$="up"]`).focus();
  await host.keyboard.press("Enter");
  await ben.waitForFunction(order => JSON.stringify(window.cinemaSync.room.queue.map(i => i.item_id)) === order,
    JSON.stringify([first, third, second]), { timeout: 15000 });
  check(await host.evaluate(() => document.activeElement?.dataset.focusKey?.endsWith(":up")), "the focus left the moved item's button");
  await host.locator(`#queue-list li[data-item-id="${first}"] button[aria-label^="Remove"]`).click();
  await cleo.waitForFunction(n => window.cinemaSync.room.queue.length === n, 2, { timeout: 15000 });
  const order = await cleo.evaluate(() => window.cinemaSync.room.queue.map(i => i.item_id));
  check(JSON.stringify(order) === JSON.stringify([third, second]), `Cleo sees the queue as ${order}`);
  log("moved up and removed: every page shows the same order");

  // Play next: the first item becomes the video and starts for everyone, in step.
  const nextUrl = await host.evaluate(() => window.cinemaSync.room.queue[0].movie_source.url);
  await host.locator("#queue-play-next").click();
  for (const page of [host, ben, cleo]) {
    await page.waitForFunction(url => window.cinemaSync.room.movie_source?.url === url, nextUrl, { timeout: 15000 });
    await videoReady(page);
    await playing(page);
  }
  await sleep(2500);
  await expectInSync(host, ben, "Ben 2.5 s after play next");
  await expectInSync(host, cleo, "Cleo 2.5 s after play next");
  check((await queueTitles(ben)).length === 1, "the played item is still in Ben's queue");

  // This server has no Google Drive: the picker says so plainly.
  await host.locator("#queue-add-drive").click();
  const message = host.locator("#picker-message");
  await message.filter({ hasText: "not set up on this server" }).waitFor({ timeout: 15000 });
  log(`Drive picker on a server without Google: ${await message.textContent()}`);
  await host.getByRole("tab", { name: "Catalogue" }).click();
  await message.filter({ hasText: "no shared video catalogue" }).waitFor({ timeout: 15000 });
  await host.keyboard.press("Escape");
  await host.locator("#drive-picker").waitFor({ state: "hidden" });
  noPageErrors(host, ben, cleo);
  return { room_id: roomId };
}

async function coHostScenario(browser) {
  const { host, members: [ben], roomId } = await roomWith(browser, "Ana", ["Ben"], { name: "Two hosts" });
  await videoReady(host);
  await videoReady(ben);
  check(await ben.locator("#host-controls").isHidden(), "Ben has controls before he is a co-host");
  const offered = await personAction(host, "Ben", "Make Ben a co-host");
  log(`the host's menu for Ben: ${offered.join(" | ")}`);
  await ben.locator("#host-controls").waitFor({ state: "visible", timeout: 15000 });
  check((await ben.locator("#my-role").textContent()) === "Co-host", "Ben's page does not say co-host");
  check(await ben.locator("#queue-controls").isVisible(), "the co-host has no queue controls");
  check(/co-host/.test(await host.locator("#participants li", { hasText: "Ben" }).textContent()), "the host's list does not show Ben as co-host");
  check(await ben.getByRole("button", { name: "Actions for Ana" }).count() === 0, "a co-host is offered actions on the host");
  // The host sees Ben's sync state.
  await host.locator("#participants li", { hasText: "Ben" }).locator(".person-sync").waitFor({ timeout: 15000 });
  log(`the host sees Ben as: ${await host.locator("#participants li", { hasText: "Ben" }).locator(".person-sync").textContent()}`);

  // The co-host's controls work: his Play starts the host's player too.
  await ben.locator("#play-toggle").click();
  await playing(host);
  await playing(ben);
  await sleep(2000);
  await expectInSync(host, ben, "2 s after the co-host pressed Play");

  // Make host: Ben becomes host, Ana a co-host.
  await personAction(host, "Ben", "Make Ben the host");
  await ben.locator("#my-role", { hasText: "You are the host" }).waitFor({ timeout: 15000 });
  await host.locator("#my-role", { hasText: "Co-host" }).waitFor({ timeout: 15000 });
  check(await ben.locator("#open-settings").isVisible() && await host.locator("#open-settings").isHidden(), "the settings button did not move to the new host");
  log("host transferred: Ben is host, Ana co-host");
  noPageErrors(host, ben);
  return { room_id: roomId };
}

async function kickScenario(browser) {
  const { host, members: [ben], roomId } = await roomWith(browser, "Ana", ["Ben"], { name: "Kick test" });
  await videoReady(ben);
  await personAction(host, "Ben", "Remove Ben");
  const banner = ben.locator("#banner-text");
  await banner.filter({ hasText: "removed you from the room" }).waitFor({ timeout: 15000 });
  await ben.locator("#view-lobby").waitFor({ state: "visible" });
  await host.locator("#participants li.person").nth(1).waitFor({ state: "detached", timeout: 15000 });
  log(`Ben's page says: ${await banner.textContent()}`);
  // He no longer follows: the host plays, Ben's player stays empty and his page out of the room.
  await videoReady(host);
  await host.locator("#play-toggle").click();
  await playing(host);
  await sleep(1000);
  const after = await ben.evaluate(() => ({ src: document.getElementById("video").getAttribute("src"), room: window.cinemaSync.roomId }));
  check(!after.src && !after.room, `Ben still follows the room: ${JSON.stringify(after)}`);
  noPageErrors(host, ben);
  return { room_id: roomId };
}

async function banScenario(browser) {
  const { host, members: [ben], roomId } = await roomWith(browser, "Ana", ["Ben"], { name: "Ban test" });
  await personAction(host, "Ben", "Ban Ben");
  const sentence = "You have been removed from this room and cannot join it again.";
  await ben.locator("#banner-text", { hasText: sentence }).waitFor({ timeout: 15000 });
  log("Ben is told he is banned; he opens the room link again");
  await ben.goto(`${base}/?room=${roomId}`);
  await ben.locator("#join-error", { hasText: sentence }).waitFor({ timeout: 10000 });
  check(await ben.locator("#view-room").isHidden(), "the banned user got into the room");
  check(await host.locator("#participants li", { hasText: "Ben" }).count() === 0, "Ben is back in the host's list");
  noPageErrors(host, ben);
  return { room_id: roomId };
}

async function inviteScenario(browser) {
  const host = await signedInPage(browser, "Ana");
  const roomId = await createRoom(host, { name: "Invite only", password: "secret-popcorn" });
  await host.locator("#invite").click();
  const status = host.locator("#share-status");
  await host.locator("#share-status[data-invite-url]").waitFor({ timeout: 15000 });
  const url = await status.getAttribute("data-invite-url");
  check(url && new URL(url).searchParams.get("invite"), `no invite in ${url}`);
  log(`the host's page says: ${await status.textContent()}`);
  const target = new URL(url);
  const ben = await signedInPage(browser, "Ben", target.pathname + target.search);
  await ben.locator("#view-room").waitFor({ state: "visible", timeout: 10000 });
  check(await ben.locator("#view-password").isHidden(), "the invite asked for the password");
  check(!new URL(ben.url()).searchParams.has("invite"), "the invite stays in Ben's address bar");
  await host.locator("#participants li", { hasText: "Ben" }).waitFor({ timeout: 15000 });
  // Without the invite the room still asks for the password.
  const cleo = await signedInPage(browser, "Cleo", `/?room=${roomId}`);
  await cleo.locator("#view-password").waitFor({ state: "visible", timeout: 10000 });
  log("the invite let Ben in without the password; Cleo, without it, is asked for the password");
  noPageErrors(host, ben, cleo);
  return { room_id: roomId };
}

async function settingsScenario(browser) {
  const { host, members: [ben, cleo], roomId } = await roomWith(browser, "Ana", ["Ben", "Cleo"], { name: "Quiet room" });
  check(await ben.locator("#open-settings").isHidden(), "a member sees the settings button");
  await host.locator("#open-settings").focus();
  await host.keyboard.press("Enter");
  await host.locator("#settings-dialog").waitFor({ state: "visible" });
  check(await host.evaluate(() => document.activeElement?.name === "chat_enabled"), "the dialog does not start on its first field");
  await host.keyboard.press("Space"); // chat off
  await host.locator("#settings-buffer").fill("12");
  await host.locator("#settings-form button[type=submit]").click();
  await host.locator("#settings-dialog").waitFor({ state: "hidden" });
  for (const page of [host, ben, cleo]) {
    await page.locator("#chat-off").waitFor({ state: "visible", timeout: 15000 });
    check(await page.locator("#chat-input").isDisabled(), "the chat input is still enabled");
  }
  const settings = await ben.evaluate(() => window.cinemaSync.room.settings);
  check(settings.chat_enabled === false && settings.buffer_timeout_ms === 12000, `the room's settings are ${JSON.stringify(settings)}`);
  log(`chat off for everyone: "${await cleo.locator("#chat-off").textContent()}"; buffer timeout 12 s`);
  // A value out of range (at least 2 people) is refused by the form, and the dialog stays open.
  await host.locator("#open-settings").click();
  await host.locator("#settings-max").fill("1");
  await host.locator("#settings-form button[type=submit]").click();
  check(await host.locator("#settings-dialog").isVisible(), "an invalid value closed the dialog");

  // Closing the room takes a second press, then ends it for everyone.
  await host.locator("#settings-close-room").click();
  check(await host.locator("#settings-dialog").isVisible() && await ben.locator("#view-room").isVisible(), "one press closed the room");
  await host.locator("#settings-close-room").click();
  for (const page of [host, ben, cleo]) await page.locator("#banner-text", { hasText: "closed by its host" }).waitFor({ timeout: 15000 });
  check(await cleo.locator("#view-lobby").isVisible(), "Cleo is still in the closed room");
  log("closed by the host: every page is back in the lobby and says so");
  noPageErrors(host, ben, cleo);
  return { room_id: roomId };
}

async function speedScenario(browser) {
  const { host, members: [ben], roomId } = await roomWith(browser, "Ana", ["Ben"], { name: "Fast forward" });
  await videoReady(host);
  await videoReady(ben);
  await host.locator("#play-toggle").click();
  await playing(ben);
  await host.locator("#speed").selectOption("1.5");
  await ben.waitForFunction(() => window.cinemaSync.room.playback_state.rate === 1.5, null, { timeout: 15000 });
  await sleep(2500);
  const rates = await Promise.all([host, ben].map(p => p.evaluate(() => document.getElementById("video").playbackRate)));
  check(rates.every(r => Math.abs(r - 1.5) < 0.1), `the players run at ${rates.join(" and ")}`);
  await expectInSync(host, ben, "2.5 s after 1.5×");
  await ben.locator("#speed-badge", { hasText: "1.5×" }).waitFor();
  log(`both at 1.5×; Ben's page says "${await ben.locator("#speed-badge").textContent()}"`);
  noPageErrors(host, ben);
  return { room_id: roomId };
}

async function stallScenario(browser) {
  const host = await signedInPage(browser, "Ana");
  const roomId = await createRoom(host, { name: "Slow wifi" });
  const ben = await signedInPage(browser, "Ben");
  // The first 200 kB of the test video (a few seconds), then nothing until released.
  const network = await starveVideo(ben.context(), 200_000);
  await ben.goto(`${base}/?room=${roomId}`);
  await ben.locator("#view-room").waitFor({ state: "visible" });
  await host.locator("#participants li.person").nth(1).waitFor();
  await videoReady(host);
  await videoReady(ben);
  await host.locator("#play-toggle").click();
  await playing(ben);
  log("playing; Ben's network delivers only the first 200 kB of the video");

  // Ben's player runs dry: the host's page shows him buffering and the room waits for him.
  const notice = host.locator("#waiting-notice");
  await notice.filter({ hasText: "Waiting for Ben to buffer" }).waitFor({ timeout: 20000 });
  const benRow = host.locator("#participants li", { hasText: "Ben" }).locator(".person-sync");
  await benRow.filter({ hasText: "buffering" }).waitFor({ timeout: 15000 });
  const state = await host.evaluate(() => window.cinemaSync.room.playback_state.status);
  check(state === "waiting", `the room is ${state}, not waiting`);
  await sleep(500);
  check(await host.evaluate(() => document.getElementById("video").paused), "the host's player did not hold while the room waits");
  log(`host's page: "${await notice.textContent()}", Ben: "${await benRow.textContent()}"`);

  // The rest of the video arrives: Ben reports ready and the room resumes for both, in step.
  network.release();
  await notice.waitFor({ state: "hidden", timeout: 8000 });
  await playing(host);
  await playing(ben);
  const resumed = await host.evaluate(() => window.cinemaSync.room.playback_state);
  check(resumed.status === "playing", `after the stall the room is ${resumed.status}`);
  await sleep(2000);
  await expectInSync(host, ben, "2 s after the room resumed");
  await benRow.filter({ hasNotText: "buffering" }).waitFor({ timeout: 8000 });
  log(`resumed; Ben shows as "${await benRow.textContent()}"`);
  noPageErrors(host, ben);
  return { room_id: roomId };
}

/** The browser context is signed in to the fake Google as the account whose Drive the test filled. */
async function signInToGoogle(page) {
  await page.context().addCookies([{ name: "fake_google_account", value: mustEnv("CINEMASYNC_GOOGLE_ACCOUNT"), url: mustEnv("CINEMASYNC_GOOGLE_URL") }]);
}

async function openPicker(page, opener) {
  await page.locator(opener).click();
  await page.locator("#drive-picker").waitFor({ state: "visible" });
}

async function googleScenario(browser) {
  const host = await signedInPage(browser, "Ana");
  await signInToGoogle(host);
  const roomId = await createRoom(host, { name: "Drive night" });
  await host.locator("#video-change summary").click();
  await openPicker(host, "#video-pick-drive");
  const connect = host.getByRole("button", { name: "Connect Google Drive" });
  await connect.waitFor({ timeout: 15000 });
  log(`before connecting: ${await host.locator("#picker-message").textContent()}`);
  await connect.click();
  // Through the fake Google and back: the room again, with the outcome.
  await host.locator("#banner-text", { hasText: "Google Drive is connected" }).waitFor({ timeout: 15000 });
  await host.locator("#view-room").waitFor({ state: "visible" });
  check(new URL(host.url()).searchParams.get("room") === roomId && !new URL(host.url()).searchParams.has("google"), `back at ${host.url()}`);
  log("connected Google Drive and came back to the room");

  // My Drive, searched, picked as the room video.
  await host.locator("#video-change summary").click();
  await openPicker(host, "#video-pick-drive");
  await host.locator("#picker-list .picker-movie").first().waitFor({ timeout: 15000 });
  const mine = await host.locator("#picker-list .picker-movie .name").allTextContents();
  log(`my Drive: ${mine.join(", ")} (${await host.locator("#picker-account").textContent()})`);
  await host.locator("#picker-q").fill("holiday");
  await host.locator("#picker-q").press("Enter");
  await host.waitForFunction(() => [...document.querySelectorAll("#picker-list .picker-movie .name")].every(n => /holiday/i.test(n.textContent))
    && document.querySelectorAll("#picker-list .picker-movie").length > 0, null, { timeout: 15000 });
  const found = host.locator("#picker-list .picker-movie").first();
  const pickedName = await found.locator(".name").textContent();
  await found.focus();
  await host.keyboard.press("Enter");
  await host.waitForFunction(() => window.cinemaSync.room.movie_source?.type === "googleDrive", null, { timeout: 15000 });
  const source = await host.evaluate(() => window.cinemaSync.room.movie_source);
  check(source.owner === "user" && source.name === pickedName, `the room video is ${JSON.stringify(source)}`);
  log(`"${pickedName}" from my Drive is the room video`);

  // The catalogue, into the queue.
  await openPicker(host, "#queue-add-drive");
  await host.getByRole("tab", { name: "Catalogue" }).click();
  await host.locator("#picker-account", { hasText: "shares with everyone" }).waitFor();
  await host.locator("#picker-list .picker-movie").first().waitFor({ timeout: 15000 });
  const catalogueName = await host.locator("#picker-list .picker-movie .name").first().textContent();
  await host.locator("#picker-list .picker-movie").first().click();
  await host.locator("#queue-list .name", { hasText: catalogueName }).waitFor({ timeout: 15000 });
  const item = await host.evaluate(() => window.cinemaSync.room.queue[0].movie_source);
  check(item.type === "googleDrive" && item.owner === "service", `the queued item is ${JSON.stringify(item)}`);
  log(`"${catalogueName}" from the catalogue is queued`);

  // A new room on a video from my Drive, picked in the lobby's create form.
  await host.locator("#leave").click();
  await host.locator("#view-lobby").waitFor({ state: "visible" });
  await host.locator("#create-name").fill("From my Drive");
  await host.locator('input[name="create-source"][value="googleDrive"]').check();
  await openPicker(host, "#create-pick-drive");
  await host.locator("#picker-list .picker-movie").first().waitFor({ timeout: 15000 });
  const lobbyPick = await host.locator("#picker-list .picker-movie .name").first().textContent();
  await host.locator("#picker-list .picker-movie").first().click();
  await host.locator("#create-drive-picked", { hasText: lobbyPick }).waitFor();
  await host.locator("#create-form button[type=submit]").click();
  await host.locator("#view-room").waitFor({ state: "visible" });
  const created = await host.evaluate(() => window.cinemaSync.room.movie_source);
  check(created.type === "googleDrive" && created.owner === "user" && created.name === lobbyPick, `the new room's video is ${JSON.stringify(created)}`);
  log(`a new room plays "${lobbyPick}" from my Drive, picked in the create form`);

  // Disconnecting Google Drive: My Drive offers to connect again.
  await host.locator("#video-change summary").click();
  await openPicker(host, "#video-pick-drive");
  await host.locator("#picker-disconnect").click();
  await host.getByRole("button", { name: "Connect Google Drive" }).waitFor({ timeout: 15000 });
  await host.keyboard.press("Escape");
  log("disconnected Google Drive: the picker offers to connect again");
  noPageErrors(host);
  return { room_id: roomId };
}

/** A subtitle track from the server's Drive, added by pasting the file's Drive link; a member loads its cues through the endpoint. */
async function driveSubtitlesScenario(browser) {
  const { host, members: [ben], roomId } = await roomWith(browser, "Ana", ["Ben"]);
  const fileId = mustEnv("CINEMASYNC_DRIVE_SUBTITLE_ID");
  await host.locator("#subtitle-manage summary").click();
  await host.locator("#subtitle-source").selectOption("service");
  await host.locator("#subtitle-url").fill(`https://drive.google.com/file/d/${fileId}/view?usp=sharing`);
  await host.locator("#subtitle-label").fill("English (Drive)");
  await host.locator("#subtitle-language").fill("en");
  await host.locator("#subtitle-add-form button[type=submit]").click();
  await ben.locator("#subtitle-select option", { hasText: "English (Drive)" }).waitFor({ state: "attached", timeout: 15000 });
  const source = await host.evaluate(() => window.cinemaSync.room.movie_source.subtitles[0].source);
  check(source.type === "googleDrive" && source.owner === "service" && source.file_id === fileId && source.name === "Sintel.en.srt",
    `the track's source is ${JSON.stringify(source)}`);

  await ben.locator("#subtitle-select").selectOption({ label: "English (Drive) (en)" });
  try {
    await ben.waitForFunction(() => {
      const track = [...document.getElementById("video").textTracks].find(t => t.label === "English (Drive)");
      return track?.mode === "showing" && track.cues?.length === 1;
    }, null, { timeout: 15000 });
  } catch {
    const state = await ben.evaluate(() => ({
      tracks: [...document.querySelectorAll("#video track")].map(e => ({ label: e.label, src: e.src, mode: e.track.mode, ready: e.readyState, cues: e.track.cues?.length })),
      status: document.getElementById("subtitle-status").textContent,
    }));
    check(false, `Ben's Drive track has no cue: ${JSON.stringify(state)}`);
  }
  const cue = await ben.evaluate(() => {
    const c = [...document.getElementById("video").textTracks].find(t => t.label === "English (Drive)").cues[0];
    return { start: c.startTime, end: c.endTime, text: c.text };
  });
  check(cue.text === "From the <i>Drive</i>" && cue.start === 0.5 && cue.end === 30, `Ben's cue is ${JSON.stringify(cue)}`);
  log(`Ben loaded the Drive subtitle: ${JSON.stringify(cue)}`);
  noPageErrors(host, ben);
  return { room_id: roomId, cue };
}

async function screenshotsScenario(browser) {
  const folder = process.env.CINEMASYNC_SCREENSHOTS || artifacts;
  mkdirSync(folder, { recursive: true });
  const viewport = { width: 1366, height: 960 };
  const host = await signedInPage(browser, "Ana", "/", viewport);
  const roomId = await createRoom(host, { name: "Friday movie night" });
  const members = [];
  for (const name of ["Ben", "Cleo"]) {
    const page = await signedInPage(browser, name, `/?room=${roomId}`, viewport);
    await page.locator("#view-room").waitFor({ state: "visible" });
    members.push(page);
  }
  const [ben, cleo] = members;
  await host.locator("#participants li.person").nth(2).waitFor();
  await personAction(host, "Cleo", "Make Cleo a co-host");
  await cleo.locator("#host-controls").waitFor({ state: "visible" });
  for (let i = 0; i < 3; i++) {
    await openPicker(host, "#queue-add-drive");
    await host.getByRole("tab", { name: "Catalogue" }).click();
    await host.locator("#picker-list .picker-movie").nth(i).waitFor({ timeout: 15000 });
    await host.locator("#picker-list .picker-movie").nth(i).click();
    await host.locator("#queue-list li").nth(i).waitFor({ timeout: 15000 });
  }
  await host.locator("#chat-input").fill("Popcorn ready? 🍿");
  await host.locator("#chat-input").press("Enter");
  await ben.locator("#chat-input").fill("Yes! Start it");
  await ben.locator("#chat-input").press("Enter");
  await host.locator("#chat-log li", { hasText: "Yes! Start it" }).waitFor();
  await videoReady(host);
  await host.locator("#play-toggle").click();
  await playing(ben);
  await sleep(2500);
  await host.locator("#participants li", { hasText: "Ben" }).locator(".person-sync").waitFor({ timeout: 15000 });
  const files = { host: path.join(folder, "room-host.png"), member: path.join(folder, "room-member.png"), picker: path.join(folder, "drive-picker.png") };
  for (const [page, file] of [[host, files.host], [ben, files.member]]) {
    await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: file, fullPage: true });
  }
  await openPicker(host, "#queue-add-drive");
  await host.getByRole("tab", { name: "Catalogue" }).click();
  await host.locator("#picker-list .picker-movie").nth(2).waitFor({ timeout: 15000 });
  await host.screenshot({ path: files.picker });
  log(`screenshots: ${Object.values(files).join(", ")}`);
  noPageErrors(host, ben, cleo);
  return { room_id: roomId, screenshots: files };
}

await runScenario({
  queue: queueScenario, cohost: coHostScenario, kick: kickScenario, ban: banScenario, invite: inviteScenario,
  settings: settingsScenario, speed: speedScenario, stall: stallScenario, google: googleScenario, drivesubs: driveSubtitlesScenario,
  screenshots: screenshotsScenario,
});
