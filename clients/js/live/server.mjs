// RoomClient and Api against a real CinemaSync server: two users in one room, in node.
//
//   CINEMASYNC_URL=http://127.0.0.1:5000 node live/server.mjs
//
// CINEMASYNC_HUB_PROTOCOL=messagepack: Ben speaks MessagePack (@microsoft/signalr-protocol-msgpack),
// Ana JSON, in the same room.
//
// Run by the xunit test CinemaSync.Tests/Browser/ClientPackageTests.cs against an in-process
// server. Prints each step, then `RESULT <json>`; exits 1 with the reason on failure.
import assert from "node:assert/strict";
import { Api, RoomClient, roleOf } from "../src/index.js";

const base = process.env.CINEMASYNC_URL?.replace(/\/$/, "");
if (!base) {
  console.error("CINEMASYNC_URL is not set");
  process.exit(2);
}
const log = (...args) => console.log("[live]", ...args);
const benProtocol = process.env.CINEMASYNC_HUB_PROTOCOL === "messagepack"
  ? new (await import("@microsoft/signalr-protocol-msgpack")).MessagePackHubProtocol()
  : null;

/** Resolves with the first `name` event on `client` that `match` accepts (rejects after `ms`). */
function next(client, name, match = () => true, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${name} within ${ms} ms`)); }, ms);
    const off = client.on(name, e => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

async function user(name, options = {}) {
  const api = new Api({ baseUrl: base });
  const session = await api.devLogin(name);
  let tokenRequests = 0;
  const authed = new Api({ baseUrl: base, accessTokenFactory: async () => session.token });
  const client = new RoomClient({ baseUrl: base, accessTokenFactory: async () => { tokenRequests++; return session.token; }, ...options });
  return { session, api: authed, client, get tokenRequests() { return tokenRequests; } };
}

const clients = [];
try {
  const ana = await user("Ana");
  const ben = await user("Ben", { reconnectDelays: [400, 1000], hubProtocol: benProtocol });
  clients.push(ana.client, ben.client);

  const created = await ana.api.createRoom({ name: "Live check", is_private: true, password: "popcorn",
    movie_source: { type: "directLink", url: "https://video.test/a.mp4" } });
  const roomId = created.room_id;
  const preview = await ben.api.getRoom(roomId);
  assert.equal(preview.participants, undefined, "a non-participant gets the preview");
  const invite = await ana.api.createInvite(roomId);
  log(`room ${roomId} created; invite expires at ${invite.expires_at}`);

  const anaJoin = await ana.client.join(roomId);
  assert.equal(anaJoin.ok, true, JSON.stringify(anaJoin));
  const benSeen = next(ana.client, "user_joined", e => e.user.user_id === ben.session.user.user_id);
  const wrong = await ben.client.join(roomId, { password: "nope" });
  assert.equal(wrong.error, "invalid_password");
  const benJoin = await ben.client.join(roomId, { invite: invite.invite });
  assert.equal(benJoin.ok, true, `join with the invite: ${JSON.stringify(benJoin)}`);
  await benSeen;
  assert.equal(ana.client.room.participants.length, 2);
  log("both joined (Ben with the invite, no password); Ana saw user_joined");

  const chat = next(ben.client, "new_chat_message", e => e.message.text === "hello Ben");
  assert.equal((await ana.client.sendChat("hello Ben")).ok, true);
  await chat;
  const queued = next(ben.client, "queue_updated");
  const add = await ana.client.queueAdd({ movie_source: { type: "directLink", url: "https://video.test/b.mp4" }, title: "Part two" });
  assert.equal(add.ok, true, JSON.stringify(add));
  await queued;
  assert.deepEqual(ben.client.room.queue.map(i => i.title), ["Part two"]);
  log("chat and queue_updated reached Ben; his room shows the queue");

  const started = next(ben.client, "playback_updated", e => e.playback_state.status === "playing");
  const play = await ana.client.updatePlayback({ status: "playing", position: 0, base_version: ana.client.room.playback_state.version });
  assert.equal(play.ok, true, JSON.stringify(play));
  await started;
  log(`playing; scheduled start ${ben.client.room.playback_state.updated_at - Date.now()} ms ahead of now`);

  // Ben's player stalls: the room waits, Ana (host) sees him buffering, then he is ready and it plays on.
  const waiting = next(ana.client, "playback_updated", e => e.playback_state.status === "waiting");
  const buffering = next(ana.client, "member_status", e => e.members.some(m => m.user_id === ben.session.user.user_id && m.status === "buffering"));
  assert.equal((await ben.client.reportStatus({ state: "buffering", position: 0.2 })).ok, true);
  await waiting;
  await buffering;
  assert.equal(ana.client.room.participants.find(p => p.user_id === ben.session.user.user_id).sync.status, "buffering");
  const resumed = next(ana.client, "playback_updated", e => e.playback_state.status === "playing");
  assert.equal((await ben.client.reportStatus({ state: "ready", position: 0.2 })).ok, true);
  await resumed;
  log("report_status: buffering made the room wait (member_status showed Ben buffering), ready resumed it");

  const role = next(ben.client, "role_changed");
  assert.equal((await ana.client.setRole(ben.session.user.user_id, "co_host")).ok, true);
  await role;
  assert.equal(roleOf(ben.client.room, ben.session.user.user_id), "co_host");
  log("Ben is co-host in his own room state");

  // Ben's connection closes; meanwhile Ana chats. The client reconnects (a new token request)
  // and re-joins with last_seq: the chat arrives as a missed event.
  const tokensBefore = ben.tokenRequests;
  const seqBefore = ben.client.lastSeq;
  const rejoined = next(ben.client, "joined", e => e.rejoin, 10000);
  const missedChat = next(ben.client, "new_chat_message", e => e.message.text === "while you were away", 10000);
  await ben.client.connection.stop();
  await new Promise(r => setTimeout(r, 100));
  assert.equal((await ana.client.sendChat("while you were away")).ok, true);
  const again = await rejoined;
  await missedChat;
  assert.ok(ben.tokenRequests > tokensBefore, "the reconnect asked the token factory again");
  assert.equal(again.resync, false);
  assert.ok(again.missed_events.some(m => m.event === "new_chat_message"), `missed events: ${JSON.stringify(again.missed_events.map(m => m.event))}`);
  assert.ok(ben.client.lastSeq > seqBefore);
  log(`Ben's connection closed and came back: re-joined from seq ${seqBefore} with ${again.missed_events.length} missed events (${again.missed_events.map(m => m.event).join(", ")})`);

  assert.ok(ana.client.clock.samples.length > 0, "no clock samples");
  assert.ok(Math.abs(ana.client.clock.offsetMs) < 100, `clock offset ${ana.client.clock.offsetMs} ms on one machine`);

  const left = next(ben.client, "left");
  assert.equal((await ana.client.kickMember(ben.session.user.user_id, { ban: true })).ok, true);
  assert.equal((await left).reason, "banned");
  const refused = await ben.client.join(roomId, { invite: invite.invite });
  assert.equal(refused.error, "banned");
  log("kick with ban: Ben's client left the room, and his re-join is refused with banned");

  console.log(`RESULT ${JSON.stringify({ ok: true, ben_protocol: ben.client.connection._protocol.name, room_id: roomId, missed_events: again.missed_events.length, offset_ms: ana.client.clock.offsetMs })}`);
} catch (err) {
  console.log(`FAILED ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  for (const c of clients) await c.disconnect().catch(() => {});
}
