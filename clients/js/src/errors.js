// The contract's error codes, each with one sentence a person can act on. REST problem details
// and hub acks carry the same codes (`error`), so one table serves both.

/** One sentence per error code the server sends (CinemaSync.Contracts.ErrorCodes). */
export const ERROR_MESSAGES = Object.freeze({
  unauthorized: "Your session has expired or is not valid. Sign in again.",
  forbidden: "You are not allowed to do that in this room.",
  invalid_payload: "The server did not accept that input.",
  room_not_found: "This room does not exist. Check the link you were given.",
  room_closed: "This room has been closed by its host.",
  invalid_password: "Wrong password for this room.",
  not_member: "You are not in this room any more. Join it again.",
  not_host: "Only the host can control playback.",
  room_full: "This room is full.",
  banned: "You have been removed from this room and cannot join it again.",
  chat_disabled: "Chat is turned off in this room.",
  reactions_disabled: "Reactions are turned off in this room.",
  stale_version: "Someone changed playback at the same moment; the player now shows the latest state. Try again if needed.",
  rate_limited: "Too many requests at once. Wait a moment and try again.",
  google_not_connected: "Connect a Google account to play Google Drive videos.",
  drive_error: "Google Drive did not answer. Try again later.",
  file_not_found: "The video file could not be found.",
  invalid_invite: "This invite link is not valid or has expired.",
  item_not_found: "That queue item no longer exists.",
  limit_reached: "This room's list is full (bans, invites or queue). Remove something first.",
  unavailable: "The server could not save that change, so nothing changed. Try again.",
  not_configured: "This server is not set up for that (Google Drive or sign-in is not configured).",
  room_exists: "A room with this id already exists.",
  track_not_found: "That subtitle track is no longer on this video.",
  invalid_subtitle: "That subtitle file cannot be used: it must be a SubRip (.srt) or WebVTT (.vtt) file of at most 2 MiB.",
  subtitle_unavailable: "The subtitle file could not be downloaded from its link. Check the link and try again.",
});

/** Every error code, in the table's order. */
export const ERROR_CODES = Object.freeze(Object.keys(ERROR_MESSAGES));

/** The message of a hub call that never reached the server (no code: nothing was refused). */
export const CONNECTION_LOST_MESSAGE = "The connection to the server was lost. Wait for it to come back and try again.";

/** The sentence for an ack or problem body `{ error, message }`. */
export function describeError(failure) {
  const code = failure?.error;
  const known = code && ERROR_MESSAGES[code];
  if (code === "invalid_payload" && failure.message) return `${known} (${failure.message})`;
  if (known) return known;
  if (failure?.message) return failure.message;
  return code ? `Something went wrong (${code}).` : "Something went wrong. Try again.";
}

/** A refused REST call: `status` (0 when the server was not reached), the contract's `code`, the problem `body`. */
export class ApiError extends Error {
  constructor(status, body) {
    super(describeError(body));
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error ?? (status === 401 ? "unauthorized" : null);
    this.body = body;
  }
}
