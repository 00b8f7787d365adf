// The room object kept current from the events: what RoomClient.room holds.

/**
 * Applies one server event to `room` and returns the room to keep (a new object for the events
 * that carry a whole room, else `room` itself, changed in place). Events of other rooms and
 * unknown events change nothing.
 * @param {object | null} room
 * @param {string} name the event's wire name
 * @param {any} e its payload
 */
export function applyRoomEvent(room, name, e) {
  if (name === "room_joined" || name === "room_updated") return e.room ? { ...e.room, seq: e.seq ?? e.room.seq } : room;
  if (!room || e?.room_id !== room.room_id) return room;
  const participant = userId => room.participants?.find(p => p.user_id === userId);
  switch (name) {
    case "user_joined": {
      const existing = participant(e.user.user_id);
      if (existing) Object.assign(existing, e.user);
      else room.participants = [...(room.participants ?? []), { ...e.user }];
      break;
    }
    case "user_left":
      room.participants = (room.participants ?? []).filter(p => p.user_id !== e.user_id);
      break;
    case "presence_changed": {
      const p = participant(e.user_id);
      if (p) p.connected = e.connected;
      break;
    }
    case "host_changed": {
      const old = participant(room.host_id);
      if (old && old.user_id !== e.host_id) old.role = "co_host"; // the server makes the old host a co-host
      const next = participant(e.host_id);
      if (next) next.role = "host";
      room.host_id = e.host_id;
      break;
    }
    case "role_changed": {
      const p = participant(e.user_id);
      if (p) p.role = e.role;
      break;
    }
    case "playback_updated":
      room.playback_state = e.playback_state;
      break;
    case "queue_updated":
      room.queue = e.queue;
      break;
    case "room_closed":
      room.is_active = false;
      break;
    case "member_status":
      for (const m of e.members ?? []) {
        const p = participant(m.user_id);
        if (p) p.sync = { drift_ms: m.drift_ms, rtt_ms: m.rtt_ms, status: m.status };
      }
      break;
  }
  if (typeof e.seq === "number" && name !== "room_joined") room.seq = Math.max(room.seq ?? -1, e.seq);
  return room;
}

/** The caller's role in `room`: "host", "co_host", "member", or null when not a participant. */
export function roleOf(room, userId) {
  if (!room || !userId) return null;
  if (room.host_id === userId) return "host";
  return room.participants?.find(p => p.user_id === userId)?.role ?? null;
}

/** Host and co-hosts control playback, the video and the queue, and kick members. */
export function canControl(room, userId) {
  const role = roleOf(room, userId);
  return role === "host" || role === "co_host";
}
