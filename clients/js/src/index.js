// @cinemasync/client: the CinemaSync wire contract for front ends. See README.md and index.d.ts.
export { Api } from "./api.js";
export { ApiError, CONNECTION_LOST_MESSAGE, ERROR_CODES, ERROR_MESSAGES, describeError } from "./errors.js";
export { Html5VideoAdapter, asPlayer } from "./html5-video.js";
export { DIRECT_EVENTS, EVENTS, HUB_METHODS, SEQ_EVENTS } from "./names.js";
export { HUB_PATH, RECONNECT_DELAYS, RoomClient } from "./room-client.js";
export { applyRoomEvent, canControl, roleOf } from "./room-state.js";
export { PlayerStatusReporter, STATUS_DEFAULTS } from "./status.js";
export { ClockSync, DEFAULTS as SYNC_DEFAULTS, PlaybackSync, clientNow, targetPosition } from "./sync.js";
