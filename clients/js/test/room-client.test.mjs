// RoomClient over a fake SignalR connection: ordering, resume, reconnects, token refresh and
// one typed method per hub method.
import test from "node:test";
import assert from "node:assert/strict";
import { HUB_METHODS, EVENTS, RoomClient } from "../src/index.js";
import { FakeConnection } from "./fake-connection.mjs";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";

const ROOM = "r1";
function room(seq, extra = {}) {
  return {
    room_id: ROOM, name: "Movie night", host_id: "ana", is_private: false, is_active: true, seq,
    participants: [{ user_id: "ana", display_name: "Ana", role: "host", connected: true }],
    playback_state: { status: "paused", position: 0, rate: 1, updated_at: 0, version: 0 },
    queue: [], settings: {}, ...extra,
  };
}

/** A client over one fake connection; `tokens` counts calls of the token factory. */
function newClient(options = {}) {
  const connections = [];
  const tokens = { calls: 0 };
  const client = new RoomClient({
    accessTokenFactory: async () => `token-${++tokens.calls}`,
    connectionFactory: (url, opts) => {
      const c = new FakeConnection();
      c.url = url;
      c.options = opts;
      connections.push(c);
      return c;
    },
    reconnectDelays: [0, 0, 0],
    clock: { burst: 0, intervalMs: 60_000 },
    ...options,
  });
  clients.push(client);
  return { client, connections, tokens, get c() { return connections.at(-1); } };
}

/** A client that has joined ROOM, whose snapshot is `snapshot`. */
async function joined(snapshot = room(1), options = {}) {
  const t = newClient(options);
  await t.client.connect();
  t.c.answers.join_room = { ok: true, room: snapshot, chat_history: [] };
  await t.client.join(ROOM);
  return t;
}

function record(client, names) {
  const seen = [];
  for (const name of names) client.on(name, e => seen.push([name, e?.seq ?? null]));
  return seen;
}

const clients = [];
test.afterEach(async () => { for (const c of clients.splice(0)) await c.disconnect(); });

test("join: the ack's room, then the events that raced it in seq order, each once; older ones dropped", async () => {
  const t = newClient({ baseUrl: "http://server.test/" });
  await t.client.connect();
  const c = t.c;
  assert.equal(c.url, "http://server.test/hubs/room");
  c.answers.join_room = () => {
    // Events of the room reach the connection before the ack does.
    c.emit("user_joined", { room_id: ROOM, user: { user_id: "ben", display_name: "Ben", role: "member", connected: true }, seq: 6 });
    c.emit("new_chat_message", { room_id: ROOM, message: { message_id: "m1", text: "hi" }, seq: 5 }); // in the snapshot already
    c.emit("presence_changed", { room_id: ROOM, user_id: "ana", connected: false, seq: 7 });
    c.emit("new_chat_message", { room_id: "other", message: {}, seq: 99 }); // another room
    return { ok: true, room: room(5), chat_history: [{ message_id: "m1" }] };
  };
  const seen = record(t.client, ["joined", ...EVENTS]);
  const ack = await t.client.join(ROOM, { password: " pw " });
  assert.equal(ack.ok, true);
  assert.deepEqual(c.callsOf("join_room"), [{ room_id: ROOM, password: " pw " }]);
  assert.deepEqual(seen, [["joined", null], ["user_joined", 6], ["presence_changed", 7]]);
  assert.equal(t.client.lastSeq, 7);
  assert.deepEqual(t.client.room.participants.map(p => [p.user_id, p.connected]), [["ana", false], ["ben", true]]);

  c.emit("playback_updated", { room_id: ROOM, playback_state: { status: "playing", position: 3, version: 1 }, by: "ana", seq: 7 });
  assert.equal(t.client.room.playback_state.status, "paused", "a repeated seq is ignored");
  c.emit("playback_updated", { room_id: ROOM, playback_state: { status: "playing", position: 3, version: 1 }, by: "ana", seq: 8 });
  assert.equal(t.client.room.playback_state.status, "playing");
  assert.equal(t.client.room.seq, 8);
});

test("every hub method has a typed method that invokes it with the room id", async () => {
  const t = await joined(room(0));
  const calls = {
    join: () => t.client.join(ROOM),
    leave: () => t.client.leave(),
    updatePlayback: () => t.client.updatePlayback({ status: "playing", position: 1, rate: 1.5, base_version: 0 }),
    sendChat: () => t.client.sendChat("hello"),
    react: () => t.client.react("🎉"),
    syncTime: () => t.client.syncTime({ client_time: 1 }),
    reportStatus: () => t.client.reportStatus({ state: "ready", position: 2.5, rtt_ms: 12.4 }),
    setRole: () => t.client.setRole("ben", "co_host"),
    transferHost: () => t.client.transferHost("ben"),
    kickMember: () => t.client.kickMember("ben", { ban: true }),
    updateSettings: () => t.client.updateSettings({ chat_enabled: false }),
    queueAdd: () => t.client.queueAdd({ movie_source: { type: "directLink", url: "https://v.test/a.mp4" }, title: "A" }),
    queueRemove: () => t.client.queueRemove("i1"),
    queueMove: () => t.client.queueMove("i1", 0),
    playNext: () => t.client.playNext(),
    subtitleAdd: () => t.client.subtitleAdd({ label: "English", language: "en", source: { type: "directLink", url: "https://s.test/en.vtt" } }),
    subtitleRemove: () => t.client.subtitleRemove("t1"),
    subtitleRename: () => t.client.subtitleRename("t1", { label: "English (SDH)" }),
    setSubtitleDefault: () => t.client.setSubtitleDefault(null),
    setSubtitle: () => t.client.setSubtitle("t1"),
  };
  assert.deepEqual(Object.keys(calls).sort(), Object.values(HUB_METHODS).sort(), "the test covers every method");
  const sent = {};
  for (const [wire, method] of Object.entries(HUB_METHODS)) {
    assert.equal(typeof t.client[method], "function", `RoomClient.${method}`);
    t.c.calls.length = 0;
    if (wire === "leave_room") t.c.answers.join_room = { ok: true, room: room(0), chat_history: [] };
    await calls[method]();
    assert.equal(t.c.calls.at(-1)?.[0], wire, `${method} invokes ${wire}`);
    const payload = t.c.calls.at(-1)[1];
    sent[wire] = payload;
    if (wire !== "sync_time") assert.equal(payload.room_id, ROOM, `${wire} carries the room id`);
    if (wire === "leave_room") await t.client.join(ROOM);
  }
  assert.deepEqual(sent.report_status, { room_id: ROOM, state: "ready", position: 2.5, rtt_ms: 12 });
  assert.deepEqual(sent.kick_member, { room_id: ROOM, user_id: "ben", ban: true });
  assert.deepEqual(sent.queue_move, { room_id: ROOM, item_id: "i1", index: 0 });
  assert.deepEqual(sent.update_settings, { room_id: ROOM, settings: { chat_enabled: false } });
  assert.deepEqual(sent.update_playback, { room_id: ROOM, status: "playing", position: 1, rate: 1.5, base_version: 0 });
  assert.deepEqual(sent.set_subtitle, { room_id: ROOM, track_id: "t1" });
  assert.deepEqual(sent.subtitle_default, { room_id: ROOM, track_id: null });
  assert.deepEqual(sent.subtitle_rename, { room_id: ROOM, track_id: "t1", label: "English (SDH)" });
});

test("subtitles: the join ack's choice, set_subtitle's answer, and the room default when the chosen track goes", async () => {
  const tracks = [{ track_id: "en", label: "English", language: "en", source: { type: "directLink", url: "https://s.test/en.vtt" } },
    { track_id: "pt", label: "Português", language: "pt", source: { type: "directLink", url: "https://s.test/pt.srt" } }];
  const start = { ...room(0), movie_source: { type: "directLink", url: "https://v.test/m.mp4", subtitles: tracks, subtitle_default: "en" } };
  const t = newClient();
  await t.client.connect();
  t.c.answers.join_room = { ok: true, room: start, chat_history: [], subtitle: { track_id: null, chosen: false } };
  await t.client.join(ROOM);
  assert.equal(t.client.subtitle.track_id, "en", "the room default before a choice");
  const seen = [];
  t.client.on("subtitle", e => seen.push(e.track?.track_id));
  t.c.answers.set_subtitle = { ok: true, subtitle: { track_id: "pt", chosen: true } };
  await t.client.setSubtitle("pt");
  assert.equal(t.client.subtitle.track_id, "pt");
  assert.deepEqual(seen, ["pt"]);
  t.c.emit("room_updated", { room_id: ROOM, room: { ...start, movie_source: { ...start.movie_source, subtitles: [tracks[0]] }, seq: 1 }, seq: 1 });
  assert.equal(t.client.subtitle.track_id, "en", "a removed choice falls back to the default");
  t.c.answers.set_subtitle = { ok: true, subtitle: { track_id: null, chosen: true } };
  await t.client.setSubtitle(null);
  assert.equal(t.client.subtitle, null, "none is none, whatever the default");
});

test("report_status carries the clock's measured round trip, rounded", async () => {
  const t = newClient();
  await t.client.connect();
  t.c.answers.join_room = { ok: true, room: room(0), chat_history: [] };
  t.c.answers.sync_time = p => ({ ok: true, client_time: p.client_time, server_receive_at: p.client_time, server_send_at: p.client_time });
  await t.client.join(ROOM);
  await t.client.clock.sample();
  assert.ok(t.client.clock.rttMs !== null);
  await t.client.reportStatus({ state: "buffering", position: 4 });
  const sent = t.c.callsOf("report_status").at(-1);
  assert.equal(sent.state, "buffering");
  assert.equal(sent.rtt_ms, Math.round(t.client.clock.rttMs));
});

test("a call without a room or without a connection is an ack, not a throw", async () => {
  const t = newClient();
  assert.deepEqual(await t.client.sendChat("x"), { ok: false, error: "not_member", message: "Join a room first." });
  await t.client.connect();
  t.c.answers.join_room = { ok: true, room: room(0), chat_history: [] };
  await t.client.join(ROOM);
  t.c.state = "Reconnecting";
  const ack = await t.client.sendChat("x");
  assert.equal(ack.ok, false);
  assert.equal(ack.error, null);
  assert.match(ack.message, /connection to the server was lost/);
});

test("after an automatic reconnect the client re-joins with last_seq and applies the missed events in order", async () => {
  const t = await joined(room(3));
  const c = t.c;
  c.emit("new_chat_message", { room_id: ROOM, message: { message_id: "m4" }, seq: 4 });
  const seen = record(t.client, ["reconnecting", "reconnected", "joined", "new_chat_message", "queue_updated"]);
  c.answers.join_room = () => ({
    ok: true,
    room: room(6, { queue: [{ item_id: "q1" }] }),
    chat_history: [],
    missed_events: [
      { event: "new_chat_message", payload: { room_id: ROOM, message: { message_id: "m5" }, seq: 5 } },
      { event: "queue_updated", payload: { room_id: ROOM, queue: [{ item_id: "q1" }], seq: 6 } },
    ],
  });
  await c.dropAndReconnect();
  assert.deepEqual(c.callsOf("join_room").at(-1), { room_id: ROOM, last_seq: 4 });
  assert.deepEqual(seen, [["reconnecting", null], ["new_chat_message", 5], ["queue_updated", 6], ["joined", null], ["reconnected", null]]);
  assert.equal(t.client.lastSeq, 6);
  assert.deepEqual(t.client.room.queue, [{ item_id: "q1" }]);
});

test("resync: the ack's room replaces the state and no events are replayed", async () => {
  const t = await joined(room(3));
  t.c.answers.join_room = { ok: true, room: room(900, { name: "Renamed" }), chat_history: [], resync: true };
  const snapshots = [];
  t.client.on("joined", e => snapshots.push(e));
  await t.client.resume();
  assert.equal(snapshots[0].resync, true);
  assert.equal(t.client.room.name, "Renamed");
  assert.equal(t.client.lastSeq, 900);
});

test("a gap in seq is closed by a re-join with last_seq, and the event that showed it follows the missed ones", async () => {
  const t = await joined(room(10));
  const c = t.c;
  const seen = record(t.client, ["new_reaction"]);
  c.answers.join_room = p => ({
    ok: true, room: room(12), chat_history: [],
    missed_events: [{ event: "new_reaction", payload: { room_id: ROOM, emoji: "👍", seq: 11 } }],
  });
  c.emit("new_reaction", { room_id: ROOM, emoji: "🎉", seq: 12 }); // 11 never arrived
  await new Promise(r => setTimeout(r, 10));
  assert.deepEqual(c.callsOf("join_room").at(-1), { room_id: ROOM, last_seq: 10 });
  assert.deepEqual(seen, [["new_reaction", 11]], "the held event is not applied twice: the re-join's room covers it");
  assert.equal(t.client.lastSeq, 12);
});

test("a connection closed for good is restarted with a fresh token, and the room re-joined", async () => {
  const t = await joined(room(2));
  const before = t.tokens.calls;
  const seen = record(t.client, ["reconnecting", "reconnected", "disconnected"]);
  t.c.failStarts = 1; // the first attempt fails, the second one works
  await t.c.close();
  assert.deepEqual(seen.map(([n]) => n), ["reconnecting", "reconnected"]);
  assert.equal(t.c.starts, 3);
  assert.deepEqual(t.c.callsOf("join_room").at(-1), { room_id: ROOM, last_seq: 2 });
  // The token factory is SignalR's accessTokenFactory: it is asked on every start.
  assert.equal(typeof t.c.options.accessTokenFactory, "function");
  assert.equal(await t.c.options.accessTokenFactory(), `token-${before + 1}`);
});

test("a connection that cannot come back says disconnected; reconnect() tries again", async () => {
  const t = await joined(room(2));
  const seen = record(t.client, ["reconnecting", "disconnected", "reconnected"]);
  t.c.failStarts = 3;
  await t.c.close();
  assert.deepEqual(seen.map(([n]) => n), ["reconnecting", "disconnected"]);
  await t.client.reconnect();
  assert.deepEqual(seen.map(([n]) => n), ["reconnecting", "disconnected", "reconnected"]);
  assert.equal(t.client.state, "Connected");
  assert.deepEqual(t.c.callsOf("join_room").at(-1), { room_id: ROOM, last_seq: 2 });
});

test("an unauthorized ack (the token expired) reconnects with a fresh token and tries once more", async () => {
  const t = await joined(room(1));
  let refused = 1;
  t.c.answers.chat_message = () => (refused-- > 0 ? { ok: false, error: "unauthorized", message: "expired" } : { ok: true, message: { message_id: "m" } });
  const starts = t.c.starts;
  const ack = await t.client.sendChat("still there?");
  assert.equal(ack.ok, true);
  assert.equal(t.c.starts, starts + 1, "a new connection");
  assert.equal(t.c.callsOf("chat_message").length, 2);
  assert.deepEqual(t.c.callsOf("join_room").at(-1), { room_id: ROOM, last_seq: 1 });

  t.c.answers.chat_message = { ok: false, error: "unauthorized", message: "expired" };
  assert.equal((await t.client.sendChat("again")).error, "unauthorized", "refused again: the ack is returned");
});

test("kicked and room_closed: the client stops following the room and says left", async () => {
  const t = await joined(room(1));
  const left = [];
  t.client.on("left", e => left.push(e.reason));
  t.c.emit("kicked", { room_id: ROOM, banned: true });
  assert.deepEqual(left, ["banned"]);
  assert.equal(t.client.room, null);
  t.c.emit("new_chat_message", { room_id: ROOM, message: {}, seq: 2 });
  await t.c.dropAndReconnect();
  assert.equal(t.c.callsOf("join_room").length, 1, "no re-join after a kick");

  await t.client.join(ROOM);
  t.c.emit("room_closed", { room_id: ROOM, seq: 2 });
  assert.deepEqual(left, ["banned", "closed"]);
});

test("a rejected re-join (banned while away) says left with the ack", async () => {
  const t = await joined(room(1));
  const left = [];
  t.client.on("left", e => left.push(e));
  t.c.answers.join_room = { ok: false, error: "banned", message: "banned" };
  await t.c.dropAndReconnect();
  assert.equal(left[0].reason, "rejoin_failed");
  assert.equal(left[0].ack.error, "banned");
  assert.equal(t.client.roomId, null);
});

test("member_status fills participants[].sync; the ack of update_playback updates the room's playback state", async () => {
  const t = await joined(room(1));
  t.c.emit("member_status", { room_id: ROOM, members: [{ user_id: "ana", drift_ms: 12.5, rtt_ms: 30, status: "buffering" }] });
  assert.deepEqual(t.client.room.participants[0].sync, { drift_ms: 12.5, rtt_ms: 30, status: "buffering" });
  assert.equal(t.client.lastSeq, 1, "member_status has no seq");
  t.c.answers.update_playback = { ok: true, playback_state: { status: "playing", position: 0, rate: 1, updated_at: 5, version: 1 } };
  await t.client.updatePlayback({ status: "playing", position: 0 });
  assert.equal(t.client.room.playback_state.version, 1);
});

test("a listener that throws does not stop the others", async () => {
  const errors = [];
  const t = newClient({ onListenerError: err => errors.push(err.message) });
  await t.client.connect();
  t.c.answers.join_room = { ok: true, room: room(1), chat_history: [] };
  await t.client.join(ROOM);
  let second = 0;
  t.client.on("new_reaction", () => { throw new Error("listener bug"); });
  t.client.on("new_reaction", () => second++);
  t.c.emit("new_reaction", { room_id: ROOM, emoji: "👍", seq: 2 });
  assert.equal(second, 1);
  assert.deepEqual(errors, ["listener bug"]);
  assert.equal(t.client.lastSeq, 2);
});

test("hub protocol: JSON by default, MessagePack when given, for the factory and the default connection alike", async () => {
  const json = newClient();
  await json.client.connect();
  assert.equal(json.c.options.hubProtocol, null);
  const plain = new RoomClient({ baseUrl: "http://127.0.0.1:9", accessTokenFactory: () => "t" });
  plain._createConnection();
  assert.equal(plain.connection._protocol.name, "json");

  const packed = newClient({ hubProtocol: new MessagePackHubProtocol() });
  await packed.client.connect();
  assert.equal(packed.c.options.hubProtocol.name, "messagepack");
  const real = new RoomClient({ baseUrl: "http://127.0.0.1:9", accessTokenFactory: () => "t", hubProtocol: new MessagePackHubProtocol() });
  real._createConnection();
  assert.equal(real.connection._protocol.name, "messagepack");
});
