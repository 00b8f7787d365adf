// The wire names of the CinemaSync hub, in one place. A C# test (CinemaSync.Tests/Docs/ClientNamesTests.cs)
// checks these lists against the server's contract types, both ways.

/** Every client → server hub method, by wire name, with the RoomClient method that calls it. */
export const HUB_METHODS = Object.freeze({
  join_room: "join",
  leave_room: "leave",
  update_playback: "updatePlayback",
  chat_message: "sendChat",
  reaction: "react",
  sync_time: "syncTime",
  report_status: "reportStatus",
  set_role: "setRole",
  transfer_host: "transferHost",
  kick_member: "kickMember",
  update_settings: "updateSettings",
  queue_add: "queueAdd",
  queue_remove: "queueRemove",
  queue_move: "queueMove",
  play_next: "playNext",
  subtitle_add: "subtitleAdd",
  subtitle_remove: "subtitleRemove",
  subtitle_rename: "subtitleRename",
  subtitle_default: "setSubtitleDefault",
  set_subtitle: "setSubtitle",
});

/** Server → client events that carry the room's `seq` (broadcast to every joined connection, kept for resume). */
export const SEQ_EVENTS = Object.freeze([
  "room_joined",
  "user_joined",
  "user_left",
  "playback_updated",
  "new_chat_message",
  "new_reaction",
  "room_updated",
  "room_closed",
  "host_changed",
  "role_changed",
  "presence_changed",
  "queue_updated",
]);

/** Server → client events sent to some connections only, without `seq`. */
export const DIRECT_EVENTS = Object.freeze(["kicked", "member_status"]);

/** Every server → client event. */
export const EVENTS = Object.freeze([...SEQ_EVENTS, ...DIRECT_EVENTS]);
