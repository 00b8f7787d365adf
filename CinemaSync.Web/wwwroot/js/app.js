// The watch page: sign in, lobby, room. Everything that is not DOM comes from the client package
// @cinemasync/client (clients/js, bundled into /lib at build): the REST calls, the room hub and its
// events, the error sentences, the sync engine and the player's status reports.
import {
  Api, ApiError, Html5VideoAdapter, PlaybackSync, RoomClient, canControl, describeError, roleOf,
} from "/lib/cinemasync-client.js";
import { copyText } from "./dom.js";
import { createPeoplePanel } from "./people-panel.js";
import { createQueuePanel } from "./queue-panel.js";
import { createInviteButton, dropInviteFromAddress, inviteFrom } from "./invite.js";
import { applyRoomSettings, createSettingsDialog } from "./settings-dialog.js";
import { createSpeedControl } from "./speed-control.js";
import { createSubtitlesMenu } from "./subtitles-menu.js";
import { renderWaiting } from "./waiting-notice.js";
import { createDrivePicker } from "./drive-picker.js";
import { takeGoogleResult } from "./google-drive.js";

const $ = id => document.getElementById(id);
/** Set when firebase.js loads (only on servers with Firebase sign-in). */
let describeFirebaseError = err => err?.message ?? String(err);
const SESSION_KEY = "cinemasync.session";

const session = {
  load() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
      if (s && s.token && (!s.expires_at || s.expires_at > Date.now() + 60_000)) return s;
    } catch { /* ignore */ }
    return null;
  },
  save(s) { sessionStorage.setItem(SESSION_KEY, JSON.stringify(s)); },
  clear() { sessionStorage.removeItem(SESSION_KEY); },
};

const app = {
  session: session.load(),
  config: null, // GET /api/config: the sign-in methods this server offers
  firebase: null, // FirebaseSignIn (firebase.js) when the server has Firebase sign-in
  renewTimer: null,
  api: null,
  client: null, // RoomClient: the hub connection, the room joined and its events
  sync: null, // PlaybackSync on the page's <video>
  reporter: null, // PlayerStatusReporter: report_status for the page's <video>
  roomId: null, // the room shown
  chatIds: new Set(),
  uiTimer: null,
  seekDragging: false,
  seekTouchedAt: 0,
  /** The room as last known (kept current by the client from the room's events). */
  get room() { return this.client?.room ?? null; },
  get clock() { return this.client?.clock ?? null; },
  get connection() { return this.client?.connection ?? null; },
};
app.api = new Api({ accessTokenFactory: () => app.session?.token });
app.client = new RoomClient({ accessTokenFactory: () => currentToken() });
window.cinemaSync = app; // for debugging and the browser tests

/** What the room's panels need from the page: the room and user now, the RoomClient and the REST client. */
const roomContext = {
  client: app.client,
  api: app.api,
  room: () => app.room,
  me: () => app.session?.user ?? null,
  config: () => app.config,
  copy: copyText,
  describeError,
};
const picker = createDrivePicker(roomContext);
const panels = {
  people: createPeoplePanel(roomContext),
  queue: createQueuePanel(roomContext, { pickFromDrive: purpose => picker.pick(purpose) }),
  settings: createSettingsDialog(roomContext, { openButton: $("open-settings") }),
  speed: createSpeedControl({ select: $("speed"), badge: $("speed-badge"), setRate: rate => changeRate(rate) }),
  subtitles: createSubtitlesMenu(roomContext, { video: $("video") }),
};
createInviteButton(roomContext, { button: $("invite"), status: $("share-status") });

// ---------------------------------------------------------------- views and messages

function show(view) {
  for (const id of ["view-signin", "view-lobby", "view-password", "view-room"]) $(id).hidden = id !== view;
  $("loading").hidden = true;
}

function banner(text, { action, onAction, info } = {}) {
  $("banner").hidden = !text;
  $("banner").classList.toggle("info", !!info);
  $("banner-text").textContent = text ?? "";
  $("banner-action").hidden = !action;
  $("banner-action").textContent = action ?? "";
  $("banner-action").onclick = onAction ?? null;
}
$("banner-close").addEventListener("click", () => banner(null));

function setError(id, text) {
  $(id).textContent = text ?? "";
}

function roomIdFrom(input) {
  const text = (input ?? "").trim();
  if (!text) return null;
  try {
    const url = new URL(text, location.origin);
    const id = url.searchParams.get("room");
    if (id) return id.trim();
  } catch { /* not a URL */ }
  return /^[A-Za-z0-9_-]+$/.test(text) ? text : null;
}

function roomUrl(roomId) {
  return `${location.origin}/?room=${encodeURIComponent(roomId)}`;
}

function handleAuthFailure(err) {
  if (err instanceof ApiError && err.code === "unauthorized") {
    renewOrSignOut();
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- sign in

/** Shows the sign-in methods this server offers: Firebase, the development form, or a sentence saying there are none. */
function renderSignInOptions(firebaseLoadError) {
  const config = app.config;
  const providers = app.firebase?.providers ?? [];
  $("signin-form").hidden = !config?.dev_login;
  $("signin-firebase").hidden = !app.firebase;
  $("signin-google").hidden = !providers.includes("google");
  $("signin-password-form").hidden = !providers.includes("password");
  const emulator = config?.firebase?.auth_emulator_url;
  $("signin-emulator").hidden = !emulator;
  $("signin-emulator").textContent = emulator ? `Development: Firebase sign-in goes to the Auth emulator at ${emulator}.` : "";
  $("signin-none").hidden = !config || config.dev_login || !!config.firebase;
  if (firebaseLoadError) setError("signin-error", firebaseLoadError);
}

/** A backend token from /api/auth/dev or /api/auth/exchange; `via` says whether Firebase can renew it. */
function setSession(answer, via) {
  app.session = { token: answer.token, expires_at: answer.expires_at, user: answer.user, via };
  session.save(app.session);
  scheduleRenewal();
}

$("signin-form").addEventListener("submit", async e => {
  e.preventDefault();
  setError("signin-error", "");
  const name = $("signin-name").value.trim();
  if (!name) return setError("signin-error", "Enter a name.");
  try {
    setSession(await app.api.devLogin(name), "dev");
    await afterSignIn();
  } catch (err) {
    setError("signin-error", err.status === 404 ? "Development sign-in is turned off on this server." : err.message);
  }
});

$("signin-google").addEventListener("click", () => firebaseSignIn(() => app.firebase.signInWithGoogle()));
$("signin-password-form").addEventListener("submit", e => {
  e.preventDefault();
  firebaseSignIn(() => app.firebase.signInWithPassword($("signin-email").value.trim(), $("signin-password").value));
});
$("signin-create").addEventListener("click", () => {
  if (!$("signin-password-form").reportValidity()) return;
  firebaseSignIn(() => app.firebase.createAccount($("signin-email").value.trim(), $("signin-password").value));
});

/** Signs in with Firebase, then trades its ID token for a backend token. */
async function firebaseSignIn(signIn) {
  setError("signin-error", "");
  let user;
  try {
    user = await signIn();
  } catch (err) {
    const message = describeFirebaseError(err);
    if (message) setError("signin-error", message);
    return;
  }
  if (!user) return; // the redirect flow: the page reloads signed in
  if (await exchangeFirebaseToken()) await afterSignIn();
}

/**
 * `POST /api/auth/exchange` with the signed-in Firebase user's current ID token. On failure the
 * sign-in form says why; a token the server refuses also signs out of Firebase, so that the next
 * visit does not try the same token again.
 */
async function exchangeFirebaseToken({ quiet = false } = {}) {
  let idToken;
  try {
    idToken = await app.firebase.idToken();
  } catch (err) {
    // Firebase could not refresh the sign-in (revoked, disabled, offline): sign in again.
    if (!quiet) setError("signin-error", describeFirebaseError(err) ?? "");
    return false;
  }
  if (!idToken) return false;
  try {
    setSession(await app.api.exchange(idToken), "firebase");
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) await app.firebase.signOut().catch(() => {});
    if (!quiet) {
      const why = err instanceof ApiError && err.body?.detail ? err.body.detail : err.message;
      setError("signin-error", `Firebase signed you in, but this server did not accept it: ${why}`);
    }
    return false;
  }
}

/** A Firebase session gets a new backend token 5 minutes before the current one expires. */
function scheduleRenewal() {
  clearTimeout(app.renewTimer);
  if (app.session?.via !== "firebase" || !app.session.expires_at) return;
  const wait = Math.max(10_000, app.session.expires_at - Date.now() - 5 * 60_000);
  app.renewTimer = setTimeout(() => renewSession(), Math.min(wait, 2 ** 31 - 1));
}

async function renewSession() {
  if (!app.firebase?.user) return false;
  return exchangeFirebaseToken({ quiet: true });
}

/** The backend token for the hub: a Firebase session about to expire is renewed first (the client asks at every (re)connect). */
async function currentToken() {
  if (app.session?.via === "firebase" && app.session.expires_at && app.session.expires_at - Date.now() < 60_000) await renewSession();
  return app.session?.token ?? "";
}

async function renewOrSignOut() {
  if (await renewSession()) {
    banner("Your session was renewed. Try that again.", { info: true });
    return;
  }
  await signOut("Your session has expired. Sign in again.");
}

$("sign-out").addEventListener("click", async () => {
  await app.firebase?.signOut().catch(() => {});
  await signOut();
});

async function signOut(message) {
  leaveRoomView();
  clearTimeout(app.renewTimer);
  session.clear();
  app.session = null;
  await app.client.disconnect().catch(() => {});
  $("whoami").hidden = true;
  show("view-signin");
  setError("signin-error", message ?? "");
  if (!$("signin-form").hidden) $("signin-name").focus();
}

async function afterSignIn() {
  $("whoami").hidden = false;
  $("me-name").textContent = app.session.user.display_name;
  const google = takeGoogleResult(); // back from connecting Google Drive: where it started, then the outcome
  const roomId = new URLSearchParams(location.search).get("room");
  if (roomId) await openRoom(roomId);
  else await showLobby();
  if (google) banner(google.message, { info: google.connected });
}

// ---------------------------------------------------------------- lobby

async function showLobby() {
  leaveRoomView();
  show("view-lobby");
  if (new URLSearchParams(location.search).has("room")) history.pushState(null, "", "/");
  try {
    const { rooms } = await app.api.myRooms();
    const list = $("my-rooms");
    list.replaceChildren();
    const active = rooms.filter(r => r.is_active);
    if (active.length === 0) list.append(li("None yet.", "muted"));
    for (const r of active) {
      const item = document.createElement("li");
      const a = document.createElement("a");
      a.href = `/?room=${encodeURIComponent(r.room_id)}`;
      a.textContent = r.name;
      a.addEventListener("click", ev => {
        ev.preventDefault();
        navigateToRoom(r.room_id);
      });
      item.append(a, " ", span(r.host_id === app.session.user.user_id ? "host" : "member", "badge"));
      list.append(item);
    }
  } catch (err) {
    handleAuthFailure(err);
  }
}

$("create-private").addEventListener("change", () => {
  $("create-password-row").hidden = !$("create-private").checked;
  $("create-password").required = $("create-private").checked;
});

function createSource() {
  return document.querySelector('input[name="create-source"]:checked')?.value ?? "directLink";
}
for (const radio of document.querySelectorAll('input[name="create-source"]')) {
  radio.addEventListener("change", () => {
    const type = createSource();
    const input = $("create-url");
    $("create-url-row").hidden = type === "uploadLater";
    input.required = type !== "uploadLater";
    input.type = type === "directLink" ? "url" : "text";
    input.placeholder = type === "directLink" ? "https://example.com/movie.mp4" : "Drive file id, e.g. 1AbC…";
    $("create-url-label").textContent = type === "directLink"
      ? "Video link (http(s) URL of an .mp4 or .webm file)"
      : "Google Drive file id";
    $("create-pick-drive").hidden = type !== "googleDrive";
  });
}

$("create-pick-drive").addEventListener("click", async () => {
  const movie = await picker.pick("the new room's video");
  $("create-pick-drive").focus();
  if (!movie) return;
  $("create-url").value = movie.file_id;
  $("create-url").dataset.pickedId = movie.file_id;
  $("create-url").dataset.owner = movie.owner;
  $("create-drive-picked").textContent = `Picked “${movie.name}”${movie.owner === "user" ? " from your Drive" : " from the catalogue"}.`;
});

/** The Drive file's owner when it came from the picker (`user`: the creator's own Drive). */
function pickedOwner(fileId) {
  const input = $("create-url");
  return input.dataset.pickedId === fileId ? input.dataset.owner : undefined;
}

$("create-form").addEventListener("submit", async e => {
  e.preventDefault();
  setError("create-error", "");
  const isPrivate = $("create-private").checked;
  const type = createSource();
  const value = $("create-url").value.trim();
  const movieSource = type === "directLink" ? { type, url: value }
    : type === "googleDrive" ? { type, file_id: value, owner: pickedOwner(value) } : { type };
  const body = { name: $("create-name").value.trim(), is_private: isPrivate, movie_source: movieSource };
  if (isPrivate) body.password = $("create-password").value;
  try {
    const room = await app.api.createRoom(body);
    await navigateToRoom(room.room_id);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    const fields = err.body?.errors ? " " + Object.entries(err.body.errors).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("; ") : "";
    setError("create-error", err.message + fields);
  }
});

$("join-form").addEventListener("submit", async e => {
  e.preventDefault();
  setError("join-error", "");
  const id = roomIdFrom($("join-link").value);
  if (!id) return setError("join-error", "Paste a room link (…/?room=…) or a room code.");
  await navigateToRoom(id);
});

async function navigateToRoom(roomId) {
  history.pushState(null, "", `/?room=${encodeURIComponent(roomId)}`);
  await openRoom(roomId);
}

window.addEventListener("popstate", async () => {
  if (!app.session) return;
  const roomId = new URLSearchParams(location.search).get("room");
  if (roomId && roomId !== app.roomId) await openRoom(roomId);
  else if (!roomId) await showLobby();
});

// ---------------------------------------------------------------- the room's events

app.client.on("reconnecting", () => banner("Connection lost. Reconnecting…", { info: true }));
app.client.on("reconnected", () => banner(null));
app.client.on("disconnected", () => {
  banner("Disconnected from the server.", { action: "Reconnect", onAction: async () => {
    banner(null);
    try {
      await app.client.reconnect();
    } catch {
      banner("The server cannot be reached. Try again in a moment.", { action: "Reload", onAction: () => location.reload() });
    }
  } });
});

/** A join or re-join answered: the room's snapshot (the client applies the events that follow it). */
app.client.on("joined", ({ room, chat_history, rejoin }) => {
  dropInviteFromAddress();
  if (!rejoin || app.roomId !== room.room_id) enterRoomView(room.room_id);
  onRoomSnapshot(room);
  for (const m of chat_history) appendChat(m);
});
app.client.on("left", async ({ room_id, reason, ack }) => {
  if (room_id !== app.roomId) return;
  if (reason === "left") return;
  if (reason === "rejoin_failed" && ack?.error === "unauthorized") return renewOrSignOut();
  await showLobby();
  if (reason === "closed") banner(describeError({ error: "room_closed" }));
  else if (reason === "banned") banner(describeError({ error: "banned" }));
  else if (reason === "kicked") banner("The host removed you from the room.");
  else banner(describeError(ack));
});

// The client has applied each event to app.room before these run; the page only draws.
app.client.on("room_updated", () => onRoomSnapshot(app.room));
for (const name of ["user_joined", "user_left", "presence_changed", "host_changed", "role_changed", "member_status"]) {
  app.client.on(name, () => { renderRole(); renderParticipants(); });
}
app.client.on("playback_updated", e => {
  app.sync?.update(e.playback_state, e.seq);
  renderControls();
});
app.client.on("queue_updated", () => panels.queue.render());
app.client.on("new_chat_message", e => appendChat(e.message));
app.client.on("new_reaction", e => burst(e.emoji));

// ---------------------------------------------------------------- joining a room

async function openRoom(roomId) {
  banner(null);
  leaveRoomView();
  setError("password-error", "");
  let room;
  try {
    room = await app.api.getRoom(roomId);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    await showLobby();
    setError("join-error", err.message);
    return;
  }
  if (!room.is_active) {
    await showLobby();
    setError("join-error", describeError({ error: "room_closed" }));
    return;
  }
  // A participant gets the full room; anyone else gets a preview without the people in it.
  const member = Array.isArray(room.participants);
  const invite = member ? undefined : inviteFrom() ?? undefined;
  if (room.is_private && !member && !invite) {
    promptPassword(roomId, room.name);
    return;
  }
  await joinRoom(roomId, undefined, invite);
}

function promptPassword(roomId, name) {
  show("view-password");
  $("password-title").textContent = name ? `“${name}” is private` : "This room is private";
  $("password-form").dataset.roomId = roomId;
  $("password-form").dataset.roomName = name ?? "";
  $("room-password").value = "";
  $("room-password").focus();
}

$("password-form").addEventListener("submit", async e => {
  e.preventDefault();
  setError("password-error", "");
  await joinRoom($("password-form").dataset.roomId, $("room-password").value);
});
$("password-cancel").addEventListener("click", () => showLobby());

async function joinRoom(roomId, password, invite) {
  let ack;
  try {
    ack = await app.client.join(roomId, { password, invite });
  } catch {
    banner("The server cannot be reached. Check your connection and try again.");
    return;
  }
  if (ack.ok) return; // the "joined" listener shows the room
  if (ack.error === "invalid_password") {
    const name = $("password-form").dataset.roomName;
    promptPassword(roomId, $("password-form").dataset.roomId === roomId ? name : undefined);
    // Without a password this is simply a private room; with one, it was wrong.
    if (password !== undefined) setError("password-error", describeError(ack));
    return;
  }
  if (ack.error === "unauthorized") return renewOrSignOut();
  await showLobby();
  setError("join-error", describeError(ack));
}

function enterRoomView(roomId) {
  leaveRoomView({ detach: false });
  app.roomId = roomId;
  app.shownSource = undefined;
  app.chatIds.clear();
  $("chat-log").replaceChildren();
  setError("room-error", "");
  setError("chat-error", "");
  $("share-status").textContent = "";
  panels.people.reset();
  panels.queue.reset();
  show("view-room");
  const video = new Html5VideoAdapter($("video"));
  app.sync = new PlaybackSync(video, app.client.clock, {
    onStatus: renderSync,
    onAutoplayBlocked: () => { $("unblock").hidden = false; },
  });
  app.sync.start();
  app.reporter = app.client.reportPlayer(video);
  app.reporter.start();
  app.uiTimer = setInterval(renderTime, 250);
  $("main").focus();
}

/** Stops the player; `detach`: the client stops following the room too (the membership stays). */
function leaveRoomView({ detach = true } = {}) {
  clearInterval(app.uiTimer);
  app.sync?.stop();
  app.reporter?.stop();
  app.sync = null;
  app.reporter = null;
  if (app.roomId) {
    const v = $("video");
    v.pause();
    v.removeAttribute("src");
    v.load();
    if (detach && app.client.roomId === app.roomId) app.client.detach();
  }
  app.roomId = null;
}

/** The room's whole state (a join or re-join, room_updated): draw everything, load a new video. */
function onRoomSnapshot(room) {
  if (!room || room.room_id !== app.roomId) return;
  $("room-name").textContent = room.name;
  document.title = `${room.name} · CinemaSync`;
  // Tracks are not the video: adding one must not reload the player.
  const { subtitles, subtitle_default, ...video } = room.movie_source ?? {};
  const source = JSON.stringify(room.movie_source ? video : null);
  if (source !== app.shownSource) {
    app.shownSource = source;
    loadVideo(room);
  }
  app.sync.reset(room.playback_state, room.seq);
  renderRole();
  renderParticipants();
  applyRoomSettings(room);
}

// ---------------------------------------------------------------- video

async function loadVideo(room) {
  const video = $("video");
  const source = room.movie_source ?? { type: "uploadLater" };
  playerMessage(null);
  $("unblock").hidden = true;
  let url = null;
  if (source.type === "directLink") {
    url = source.url;
  } else if (source.type === "googleDrive") {
    try {
      url = (await app.api.streamUrl(room.room_id)).url;
    } catch (err) {
      const why = err.status === 404 && !err.code
        ? "this server cannot stream Google Drive videos yet."
        : err.message;
      playerMessage(`This room plays a Google Drive video, but its stream could not be opened: ${why}`, true);
      return;
    }
  }
  if (!url) {
    video.removeAttribute("src");
    video.load();
    playerMessage("The host has not picked a video yet.");
    return;
  }
  video.src = url;
  video.load();
}

$("video").addEventListener("error", () => {
  if (!$("video").getAttribute("src")) return;
  const code = $("video").error?.code;
  const why = code === 4 ? "the format is not supported or the link is not a video" : code === 2 ? "a network error" : "an error";
  playerMessage(`The video could not be played (${why}). Check the room's video link.`, true);
});
$("video").addEventListener("loadedmetadata", () => { playerMessage(null); renderTime(); });

function playerMessage(text, bad = false) {
  $("player-message").hidden = !text;
  $("player-message").textContent = text ?? "";
  $("player-message").classList.toggle("bad", bad);
}

$("unblock").addEventListener("click", async () => {
  $("unblock").hidden = true;
  await app.sync?.unblock();
});

// ---------------------------------------------------------------- host controls

function isController() {
  return canControl(app.room, app.session?.user.user_id);
}

async function requestPlayback({ status, position, rate }) {
  if (!app.room) return;
  const duration = $("video").duration;
  position = Math.max(0, Number.isFinite(duration) ? Math.min(position, duration) : position);
  setError("room-error", "");
  const ack = await app.client.updatePlayback({
    status,
    position,
    rate: rate ?? currentState()?.rate ?? 1,
    base_version: app.sync?.state?.version,
  });
  if (ack.ok) {
    app.sync?.update(ack.playback_state);
  } else {
    if (ack.playback_state) app.sync?.update(ack.playback_state);
    else app.sync?.reset(app.sync.state);
    setError("room-error", describeError(ack));
  }
  renderControls();
}

function currentState() {
  return app.sync?.state ?? app.room?.playback_state;
}

/** A room that plays or waits for someone to buffer is "playing" to the host's controls. */
const intendsToPlay = s => s?.status === "playing" || s?.status === "waiting";

$("play-toggle").addEventListener("click", () => {
  const s = currentState();
  if (!s) return;
  const position = app.sync.target() ?? 0;
  requestPlayback({ status: intendsToPlay(s) ? "paused" : "playing", position });
});

function changeRate(rate) {
  const s = currentState();
  if (!s) return;
  requestPlayback({ status: intendsToPlay(s) ? "playing" : "paused", position: app.sync.target() ?? 0, rate });
}
$("back10").addEventListener("click", () => seekBy(-10));
$("fwd10").addEventListener("click", () => seekBy(10));
function seekBy(delta) {
  const s = currentState();
  if (!s) return;
  requestPlayback({ status: intendsToPlay(s) ? "playing" : "paused", position: (app.sync.target() ?? 0) + delta });
}
const seek = $("seek");
// While the host drags or steps the slider, the clock display leaves it alone (1.5 s after the last touch).
seek.addEventListener("pointerdown", () => { app.seekDragging = true; app.seekTouchedAt = Date.now(); });
seek.addEventListener("pointerup", () => { app.seekDragging = false; app.seekTouchedAt = Date.now(); });
seek.addEventListener("input", () => { app.seekTouchedAt = Date.now(); });
seek.addEventListener("keydown", () => { app.seekTouchedAt = Date.now(); });
seek.addEventListener("change", () => {
  app.seekDragging = false;
  const s = currentState();
  if (!s) return;
  requestPlayback({ status: intendsToPlay(s) ? "playing" : "paused", position: Number(seek.value) });
});

function renderRole() {
  const controller = isController();
  const host = roleOf(app.room, app.session?.user.user_id) === "host";
  $("my-role").textContent = host ? "You are the host" : controller ? "Co-host" : "Member";
  $("my-role").classList.toggle("host", controller);
  $("host-controls").hidden = !controller;
  $("video-change").hidden = !controller;
  $("member-note").hidden = controller;
  $("invite").hidden = !controller;
  panels.settings.render(host);
  panels.queue.render();
  panels.subtitles.render();
  app.sync?.setController(controller ? requestPlayback : null);
}

function renderControls() {
  const s = currentState();
  $("play-toggle").textContent = intendsToPlay(s) ? "Pause" : "Play";
  $("play-toggle").disabled = !s || s.status === "idle";
  panels.speed.render(s, isController());
  renderWaiting($("waiting-notice"), app.room, s);
}

function fmt(seconds) {
  if (!Number.isFinite(seconds)) return "0:00";
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h ? `${h}:${String(m).padStart(2, "0")}` : `${m}`) + `:${String(r).padStart(2, "0")}`;
}

function renderTime() {
  const v = $("video");
  const duration = Number.isFinite(v.duration) ? v.duration : 0;
  $("time").textContent = `${fmt(v.currentTime)} / ${fmt(duration)}`;
  seek.max = String(duration);
  if (!app.seekDragging && Date.now() - (app.seekTouchedAt ?? 0) > 1500) seek.value = String(v.currentTime);
}

function renderSync(status) {
  const el = $("sync-indicator");
  const rtt = status.rttMs == null ? "–" : `${Math.round(status.rttMs)} ms`;
  let text;
  let level = "";
  if (status.autoplayBlocked) {
    text = "paused by the browser: press Start";
    level = "warn";
  } else if (status.startsInMs > 0) {
    text = `starting in ${(status.startsInMs / 1000).toFixed(1)} s · RTT ${rtt}`;
  } else if (status.driftMs == null || status.status === "idle") {
    text = `sync: – · RTT ${rtt}`;
  } else {
    const d = Math.round(status.driftMs);
    const abs = Math.abs(d);
    level = abs < 60 ? "ok" : abs < 1000 ? "warn" : "bad";
    const rate = status.correcting ? ` · ${status.playbackRate.toFixed(2)}×` : "";
    text = `drift ${d > 0 ? "+" : ""}${d} ms · RTT ${rtt}${rate}`;
  }
  el.className = `sync-indicator ${level}`;
  $("sync-text").textContent = text;
}

async function setVideo(body) {
  setError("room-error", "");
  try {
    await app.api.setVideo(app.roomId, body);
    $("video-change").open = false;
    return true;
  } catch (err) {
    if (!handleAuthFailure(err)) setError("room-error", err.message);
    return false;
  }
}

$("video-form").addEventListener("submit", async e => {
  e.preventDefault();
  if (await setVideo({ url: $("video-url").value.trim() })) $("video-url").value = "";
});
$("video-pick-drive").addEventListener("click", async () => {
  const movie = await picker.pick("the room's video");
  if (movie) await setVideo({ file_id: movie.file_id, owner: movie.owner });
  $("video-change").querySelector("summary").focus();
});

// ---------------------------------------------------------------- people, chat, reactions

function li(text, cls) {
  const item = document.createElement("li");
  item.textContent = text;
  if (cls) item.className = cls;
  return item;
}
function span(text, cls) {
  const s = document.createElement("span");
  s.textContent = text;
  if (cls) s.className = cls;
  return s;
}

function renderParticipants() {
  panels.people.render();
  renderControls();
}

function appendChat(message) {
  if (!message || app.chatIds.has(message.message_id)) return;
  app.chatIds.add(message.message_id);
  const log = $("chat-log");
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const item = document.createElement("li");
  const when = new Date(message.sent_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  item.append(span(message.display_name, "who"), span(message.text, "text"), span(when, "when"));
  log.append(item);
  if (nearBottom) log.scrollTop = log.scrollHeight;
}

$("chat-form").addEventListener("submit", async e => {
  e.preventDefault();
  const input = $("chat-input");
  const text = input.value.trim();
  if (!text || !app.roomId) return;
  setError("chat-error", "");
  const ack = await app.client.sendChat(text);
  if (ack.ok) {
    input.value = "";
    appendChat(ack.message);
  } else {
    setError("chat-error", describeError(ack));
  }
});

$("reactions").addEventListener("click", async e => {
  const button = e.target.closest("button[data-emoji]");
  if (!button || !app.roomId) return;
  const ack = await app.client.react(button.dataset.emoji);
  setError("room-error", ack.ok ? "" : describeError(ack));
});

function burst(emoji) {
  const layer = $("reaction-layer");
  const count = 5;
  const baseX = 10 + Math.random() * 75;
  for (let i = 0; i < count; i++) {
    const e = span(emoji, "reaction");
    e.style.left = `${baseX + (Math.random() * 10 - 5)}%`;
    e.style.setProperty("--dx", `${Math.round(Math.random() * 80 - 40)}px`);
    e.style.animationDelay = `${i * 90}ms`;
    e.style.fontSize = `${1.6 + Math.random() * 1.2}rem`;
    e.addEventListener("animationend", () => e.remove());
    layer.append(e);
  }
}

// ---------------------------------------------------------------- share, leave

$("share").addEventListener("click", async () => {
  const url = roomUrl(app.roomId);
  try {
    await navigator.clipboard.writeText(url);
    $("share-status").textContent = `Link copied: ${url}`;
  } catch {
    $("share-status").textContent = `Copy this link: ${url}`;
  }
});

$("leave").addEventListener("click", async () => {
  if (app.roomId && app.client.roomId === app.roomId) await app.client.leave();
  await showLobby();
});

// ---------------------------------------------------------------- start

(async function start() {
  try {
    app.config = await app.api.config();
  } catch (err) {
    show("view-signin");
    setError("signin-error", `This server's sign-in settings could not be read: ${err.message}`);
    return;
  }
  let firebaseLoadError = null;
  if (app.config.firebase) {
    try {
      const { FirebaseSignIn, describeFirebaseError: describe } = await import("./firebase.js");
      describeFirebaseError = describe;
      app.firebase = new FirebaseSignIn(app.config.firebase);
    } catch (err) {
      firebaseLoadError = `Firebase sign-in could not be loaded (${err.message}).`;
    }
  }
  renderSignInOptions(firebaseLoadError);
  if (app.session) {
    scheduleRenewal();
    await afterSignIn();
    return;
  }
  // Signed in with Firebase before (another tab, an expired backend token, a redirect sign-in):
  // a new backend token without asking again.
  if (app.firebase) {
    try {
      if (await app.firebase.restore() && await exchangeFirebaseToken()) {
        await afterSignIn();
        return;
      }
    } catch (err) {
      const message = describeFirebaseError(err);
      if (message) setError("signin-error", message);
    }
  }
  show("view-signin");
})();
