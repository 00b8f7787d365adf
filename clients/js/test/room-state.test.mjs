// applyRoomEvent: the room object kept current from the events.
import test from "node:test";
import assert from "node:assert/strict";
import { applyRoomEvent, canControl, roleOf } from "../src/index.js";

const base = () => ({
  room_id: "r", host_id: "ana", seq: 1, is_active: true, queue: [],
  participants: [
    { user_id: "ana", display_name: "Ana", role: "host", connected: true },
    { user_id: "ben", display_name: "Ben", role: "member", connected: true },
  ],
  playback_state: { status: "paused", position: 0, version: 0 },
});

test("membership, presence, roles and host changes", () => {
  let room = base();
  room = applyRoomEvent(room, "user_joined", { room_id: "r", user: { user_id: "cy", display_name: "Cy", role: "member", connected: true }, seq: 2 });
  room = applyRoomEvent(room, "presence_changed", { room_id: "r", user_id: "ben", connected: false, seq: 3 });
  room = applyRoomEvent(room, "role_changed", { room_id: "r", user_id: "cy", role: "co_host", seq: 4 });
  room = applyRoomEvent(room, "host_changed", { room_id: "r", host_id: "ben", by: "ana", seq: 5 });
  room = applyRoomEvent(room, "user_left", { room_id: "r", user_id: "cy", seq: 6 });
  assert.deepEqual(room.participants.map(p => [p.user_id, p.role, p.connected]), [["ana", "co_host", true], ["ben", "host", false]]);
  assert.equal(room.host_id, "ben");
  assert.equal(room.seq, 6);
  assert.equal(roleOf(room, "ana"), "co_host");
  assert.equal(canControl(room, "ana"), true);
  assert.equal(canControl(room, "zed"), false);
  assert.equal(roleOf(null, "ana"), null);
});

test("playback, queue, close, snapshots; other rooms' events change nothing", () => {
  let room = base();
  room = applyRoomEvent(room, "playback_updated", { room_id: "r", playback_state: { status: "playing", position: 1, version: 1 }, seq: 2 });
  room = applyRoomEvent(room, "queue_updated", { room_id: "r", queue: [{ item_id: "q" }], seq: 3 });
  room = applyRoomEvent(room, "queue_updated", { room_id: "elsewhere", queue: [], seq: 9 });
  assert.equal(room.playback_state.status, "playing");
  assert.deepEqual(room.queue, [{ item_id: "q" }]);
  assert.equal(room.seq, 3);
  room = applyRoomEvent(room, "room_closed", { room_id: "r", seq: 4 });
  assert.equal(room.is_active, false);
  const snapshot = applyRoomEvent(room, "room_updated", { room_id: "r", room: { ...base(), name: "New" }, seq: 5 });
  assert.notEqual(snapshot, room);
  assert.equal(snapshot.name, "New");
  assert.equal(snapshot.seq, 5);
});
