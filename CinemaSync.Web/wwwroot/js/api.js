// REST calls, the hub connection and human messages for the contract's error codes.

/** One sentence a person can act on, for every error code of CONTRACT.md (and README additions). */
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
  unavailable: "The server could not save that change, so nothing changed. Try again.",
  invalid_invite: "This invite link is not valid or has expired.",
  item_not_found: "That queue item no longer exists.",
  room_exists: "A room with this id already exists.",
  not_configured: "This server is not set up for that (Google Drive or sign-in is not configured).",
});

/** The message for an ack or problem body `{ error, message }`. */
export function describeError(failure) {
  const code = failure?.error;
  const known = code && ERROR_MESSAGES[code];
  if (code === "invalid_payload" && failure.message) return `${known} (${failure.message})`;
  if (known) return known;
  if (failure?.message) return failure.message;
  return code ? `Something went wrong (${code}).` : "Something went wrong. Try again.";
}

/** An error carrying the contract's code. */
export class ApiError extends Error {
  constructor(status, body) {
    super(describeError(body));
    this.status = status;
    this.code = body?.error ?? (status === 401 ? "unauthorized" : null);
    this.body = body;
  }
}

export class Api {
  constructor(getToken) {
    this.getToken = getToken;
  }

  async request(method, path, body) {
    const headers = { accept: "application/json" };
    const token = this.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, { error: null, message: "The server cannot be reached. Check your connection and try again." });
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const problem = json && typeof json === "object" ? json : {};
      if (!problem.error && response.status === 401) problem.error = "unauthorized";
      if (!problem.error && !problem.message) problem.message = `The server answered ${response.status}.`;
      throw new ApiError(response.status, problem);
    }
    return json;
  }

  /** The server's public settings: which sign-in methods it offers (anonymous). */
  config() {
    return this.request("GET", "/api/config");
  }
  devLogin(displayName) {
    return this.request("POST", "/api/auth/dev", { display_name: displayName });
  }
  /** A Firebase ID token for a backend token. */
  exchange(idToken) {
    return this.request("POST", "/api/auth/exchange", { id_token: idToken });
  }
  me() {
    return this.request("GET", "/api/auth/me");
  }
  createRoom(body) {
    return this.request("POST", "/api/rooms", body);
  }
  getRoom(roomId) {
    return this.request("GET", `/api/rooms/${encodeURIComponent(roomId)}`);
  }
  myRooms() {
    return this.request("GET", "/api/rooms/mine");
  }
  streamUrl(roomId) {
    return this.request("GET", `/api/rooms/${encodeURIComponent(roomId)}/stream-url`);
  }
  setVideo(roomId, body) {
    return this.request("PUT", `/api/rooms/${encodeURIComponent(roomId)}/video`, body);
  }
  leaveRoom(roomId) {
    return this.request("POST", `/api/rooms/${encodeURIComponent(roomId)}/leave`);
  }
}

/** A SignalR connection to /hubs/room with automatic reconnects (@microsoft/signalr, bundled in /lib). */
export function connectHub(getToken) {
  const signalR = globalThis.signalR;
  if (!signalR) throw new Error("The SignalR client (/lib/signalr.min.js) did not load.");
  return new signalR.HubConnectionBuilder()
    .withUrl("/hubs/room", { accessTokenFactory: () => getToken() })
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
    .configureLogging(signalR.LogLevel.Warning)
    .build();
}

/** Invokes a hub method and returns its ack; a transport failure becomes an ack too. */
export async function invoke(connection, method, payload) {
  try {
    return await connection.invoke(method, payload);
  } catch (err) {
    return { ok: false, error: null, message: "The connection to the server was lost. Wait for it to come back and try again." , cause: err };
  }
}
