// Who may do what in a room (the rules of docs/api.md, "Roles"), read from the room object.

/** "host", "co_host", "member", or null when the user is not a participant. */
export function roleOf(room, userId) {
  if (!room || !userId) return null;
  if (room.host_id === userId) return "host";
  const p = room.participants?.find(x => x.user_id === userId);
  if (!p) return null;
  return p.role === "co_host" ? "co_host" : "member";
}

/** The host and co-hosts control playback, the video and the queue, and see members' sync. */
export const isController = (room, userId) => ["host", "co_host"].includes(roleOf(room, userId));

export const ROLE_LABELS = Object.freeze({ host: "host", co_host: "co-host", member: "member" });
