// The watch page: sign in, lobby, room. Sync logic lives in sync.js (the reference part).
import { Api, ApiError, connectHub, describeError, invoke } from "./api.js";
import { ClockSync, PlaybackSync } from "./sync.js";
import { copyText } from "./dom.js";
import { isController as controls } from "./roles.js";
import { createPeoplePanel } from "./people-panel.js";
import { createQueuePanel } from "./queue-panel.js";
import { createInviteButton, dropInviteFromAddress, inviteFrom } from "./invite.js";
import { applyRoomSettings, createSettingsDialog } from "./settings-dialog.js";
import { createSpeedControl } from "./speed-control.js";
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
  connection: null,
  clock: null,
  sync: null,
  room: null, // the room object as last known
  roomId: null,
  lastSeq: -1,
  chatIds: new Set(),
  joining: null, // room id while join_room awaits its ack
  pending: [], // events received meanwhile
  refreshTimer: null,
  uiTimer: null,
  seekDragging: false,
  seekTouchedAt: 0,
};
app.api = new Api(() => app.session?.token);
window.cinemaSync = app; // for debugging and the browser tests

/** What the room's panels need from the page: the room and user now, hub calls and REST. */
const roomContext = {
  room: () => app.room,
  me: () => app.session?.user ?? null,
  config: () => app.config,
  call: (method, payload = {}) => invoke(app.connection, method, { room_id: app.roomId, ...payload }),
  request: (method, path, body) => app.api.request(method, path, body),
  copy: copyText,
  describeError,
};
const picker = createDrivePicker(roomContext);
const panels = {
  people: createPeoplePanel(roomContext),
  queue: createQueuePanel(roomContext, { pickFromDrive: purpose => picker.pick(purpose) }),
  settings: createSettingsDialog(roomContext, { openButton: $("open-settings") }),
  speed: createSpeedControl({ select: $("speed"), badge: $("speed-badge"), setRate: rate => changeRate(rate) }),
};
createInviteButton(roomContext, { button: $("invite"), status: $("share-status") });
app.panels = panels;

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
  await leaveRoomView();
  clearTimeout(app.renewTimer);
  session.clear();
  app.session = null;
  if (app.connection) {
    const c = app.connection;
    app.connection = null;
    await c.stop().catch(() => {});
  }
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
  await leaveRoomView();
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

// ---------------------------------------------------------------- hub connection

async function ensureConnection() {
  if (app.connection && app.connection.state === "Connected") return app.connection;
  if (!app.connection) {
    const c = connectHub(() => app.session?.token);
    for (const [name, handle] of Object.entries(handlers)) c.on(name, handle);
    c.onreconnecting(() => banner("Connection lost. Reconnecting…", { info: true }));
    c.onreconnected(async () => {
      banner(null);
      app.clock?.restart();
      if (app.roomId) await joinRoom(app.roomId, undefined, { rejoin: true });
    });
    c.onclose(() => {
      if (app.connection !== c) return;
      banner("Disconnected from the server.", { action: "Reconnect", onAction: async () => {
        banner(null);
        try {
          await c.start();
          if (app.roomId) await joinRoom(app.roomId, undefined, { rejoin: true });
        } catch {
          banner("The server cannot be reached. Try again in a moment.", { action: "Reload", onAction: () => location.reload() });
        }
      } });
    });
    app.connection = c;
  }
  if (app.connection.state === "Disconnected") await app.connection.start();
  return app.connection;
}

/** Server → client events of CONTRACT.md (core and extensions), by name. */
const handlers = {
  room_joined: e => onEvent(e, () => onRoomSnapshot(e.room_id, e.room, e.seq)),
  room_updated: e => onEvent(e, () => onRoomSnapshot(e.room_id, e.room, e.seq, true)),
  user_joined: e => onEvent(e, () => upsertParticipant(e.user)),
  user_left: e => onEvent(e, () => removeParticipant(e.user_id)),
  presence_changed: e => onEvent(e, () => upsertParticipant({ user_id: e.user_id, connected: e.connected })),
  host_changed: e => onEvent(e, () => { app.room.host_id = e.host_id; renderRole(); renderParticipants(); }),
  role_changed: e => onEvent(e, () => { upsertParticipant({ user_id: e.user_id, role: e.role }); renderRole(); }),
  playback_updated: e => onEvent(e, () => {
    app.sync?.update(e.playback_state, e.seq);
    app.room.playback_state = e.playback_state;
    renderControls();
  }),
  queue_updated: e => onEvent(e, () => { app.room.queue = e.queue; panels.queue.render(); }),
  member_status: e => {
    if (e.room_id !== app.roomId || !app.room) return;
    panels.people.onMemberStatus(e.members);
    renderControls();
  },
  new_chat_message: e => onEvent(e, () => appendChat(e.message)),
  new_reaction: e => onEvent(e, () => burst(e.emoji)),
  room_closed: e => onEvent(e, () => {
    showLobby();
    banner(describeError({ error: "room_closed" }));
  }),
  kicked: e => {
    if (e.room_id !== app.roomId) return;
    showLobby();
    banner(e.banned ? describeError({ error: "banned" }) : "The host removed you from the room.");
  },
};

/**
 * Room events carry seq: apply each once, in order, for the current room only. Events that
 * arrive while join_room is still waiting for its ack are kept and replayed after the ack's
 * snapshot (the ack can come after the first events).
 */
function onEvent(e, apply) {
  if (app.joining && e.room_id === app.joining) {
    app.pending.push({ seq: e.seq, apply: () => onEvent(e, apply) });
    return;
  }
  if (e.room_id !== app.roomId || !app.room) return;
  if (typeof e.seq === "number" && e.seq <= app.lastSeq) return;
  apply();
  noteSeq(e.seq);
}

function noteSeq(seq) {
  if (typeof seq === "number" && seq > app.lastSeq) app.lastSeq = seq;
}

// ---------------------------------------------------------------- joining a room

async function openRoom(roomId) {
  banner(null);
  await leaveRoomView();
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
  const invite = member ? null : inviteFrom();
  if (room.is_private && !member && !invite) {
    promptPassword(roomId, room.name);
    return;
  }
  await joinRoom(roomId, undefined, { invite });
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

async function joinRoom(roomId, password, { rejoin = false, invite = null } = {}) {
  let connection;
  try {
    connection = await ensureConnection();
  } catch {
    banner("The server cannot be reached. Check your connection and try again.");
    return;
  }
  const payload = { room_id: roomId };
  if (password !== undefined) payload.password = password;
  if (invite) payload.invite = invite;
  if (rejoin && app.lastSeq >= 0) payload.last_seq = app.lastSeq;
  app.joining = roomId;
  app.pending = [];
  let ack;
  try {
    ack = await invoke(connection, "join_room", payload);
    if (!ack.ok) return await joinFailed(roomId, password, rejoin, ack);
    dropInviteFromAddress();
    if (!rejoin || app.roomId !== roomId) enterRoomView(roomId);
    if (ack.room) onRoomSnapshot(roomId, ack.room, ack.room.seq);
    for (const m of ack.chat_history ?? []) appendChat(m);
  } finally {
    app.joining = null;
  }
  // Events that came before the ack, then (extension) events missed while disconnected.
  for (const p of app.pending.sort((a, b) => a.seq - b.seq)) p.apply();
  app.pending = [];
  for (const m of ack.missed_events ?? []) handlers[m.event]?.(m.payload);
}

async function joinFailed(roomId, password, rejoin, ack) {
  if (ack.error === "invalid_password") {
    const name = $("password-form").dataset.roomName;
    promptPassword(roomId, $("password-form").dataset.roomId === roomId ? name : undefined);
    // Without a password this is simply a private room; with one, it was wrong.
    if (password !== undefined) setError("password-error", describeError(ack));
    return;
  }
  if (ack.error === "unauthorized") return renewOrSignOut();
  if (rejoin) {
    banner(describeError(ack));
    return;
  }
  await showLobby();
  setError("join-error", describeError(ack));
}

function enterRoomView(roomId) {
  app.roomId = roomId;
  app.lastSeq = -1;
  app.room = null;
  app.chatIds.clear();
  $("chat-log").replaceChildren();
  setError("room-error", "");
  setError("chat-error", "");
  $("share-status").textContent = "";
  panels.people.reset();
  panels.queue.reset();
  show("view-room");
  const video = $("video");
  app.clock = new ClockSync(payload => app.connection.invoke("sync_time", payload));
  app.clock.start();
  app.sync = new PlaybackSync(video, app.clock, {
    onStatus: renderSync,
    onAutoplayBlocked: () => { $("unblock").hidden = false; },
  });
  app.sync.start();
  app.refreshTimer = setInterval(refreshRoom, 15000); // a safety net: presence_changed and the membership events keep the list current
  app.uiTimer = setInterval(renderTime, 250);
  $("main").focus();
}

async function leaveRoomView() {
  clearInterval(app.refreshTimer);
  clearInterval(app.uiTimer);
  app.sync?.stop();
  app.clock?.stop();
  app.sync = null;
  app.clock = null;
  if (app.roomId) {
    const v = $("video");
    v.pause();
    v.removeAttribute("src");
    v.load();
  }
  app.roomId = null;
  app.room = null;
}

/** A full room object (join ack, room_joined, room_updated, refresh): newest seq wins. */
function onRoomSnapshot(roomId, room, seq, fromEvent = false) {
  if (roomId !== app.roomId || !room) return;
  if (!fromEvent && app.room && typeof seq === "number" && seq < app.lastSeq) return;
  const previousSource = JSON.stringify(app.room?.movie_source ?? null);
  app.room = room;
  noteSeq(seq);
  $("room-name").textContent = room.name;
  document.title = `${room.name} · CinemaSync`;
  if (JSON.stringify(room.movie_source ?? null) !== previousSource) loadVideo(room);
  app.sync.reset(room.playback_state, seq);
  renderRole();
  renderParticipants();
  applyRoomSettings(room);
}

async function refreshRoom() {
  if (!app.roomId) return;
  try {
    const room = await app.api.getRoom(app.roomId);
    if (!app.room || room.room_id !== app.roomId) return;
    if (room.seq < app.lastSeq) return;
    app.room.participants = room.participants;
    app.room.host_id = room.host_id;
    renderRole();
    renderParticipants();
  } catch (err) {
    handleAuthFailure(err);
  }
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
  return controls(app.room, app.session?.user.user_id);
}

async function requestPlayback({ status, position, rate }) {
  if (!app.room || !app.connection) return;
  const duration = $("video").duration;
  position = Math.max(0, Number.isFinite(duration) ? Math.min(position, duration) : position);
  setError("room-error", "");
  const ack = await invoke(app.connection, "update_playback", {
    room_id: app.roomId,
    status,
    position,
    rate: rate ?? currentState()?.rate ?? 1,
    base_version: app.sync?.state?.version,
  });
  if (ack.ok) {
    app.sync?.update(ack.playback_state);
    app.room.playback_state = ack.playback_state;
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
  const host = app.room?.host_id === app.session?.user.user_id;
  $("my-role").textContent = host ? "You are the host" : controller ? "Co-host" : "Member";
  $("my-role").classList.toggle("host", controller);
  $("host-controls").hidden = !controller;
  $("video-change").hidden = !controller;
  $("member-note").hidden = controller;
  $("invite").hidden = !controller;
  panels.settings.render(host);
  panels.queue.render();
  app.sync?.setController(controller ? requestPlayback : null);
}

function renderControls() {
  const s = currentState();
  $("play-toggle").textContent = intendsToPlay(s) ? "Pause" : "Play";
  $("play-toggle").disabled = !s || s.status === "idle";
  panels.speed.render(s, isController());
  renderWaiting($("waiting-notice"), app.room && { ...app.room, playback_state: s }, p => panels.people.syncOf(p));
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

function upsertParticipant(user) {
  if (!app.room) return;
  const existing = app.room.participants.find(p => p.user_id === user.user_id);
  if (existing) Object.assign(existing, user);
  else if (user.display_name) app.room.participants.push({ role: "member", connected: true, ...user });
  renderParticipants();
}

function removeParticipant(userId) {
  if (!app.room) return;
  app.room.participants = app.room.participants.filter(p => p.user_id !== userId);
  renderParticipants();
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
  const ack = await invoke(app.connection, "chat_message", { room_id: app.roomId, text });
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
  const ack = await invoke(app.connection, "reaction", { room_id: app.roomId, emoji: button.dataset.emoji });
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
  const roomId = app.roomId;
  if (roomId && app.connection) await invoke(app.connection, "leave_room", { room_id: roomId });
  await showLobby();
});

// ---------------------------------------------------------------- start

(async function start() {
  if (!globalThis.signalR) await new Promise(r => window.addEventListener("load", r, { once: true }));
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
