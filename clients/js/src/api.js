// The REST half of the contract (`/api`): one method per route a front end calls.
import { ApiError } from "./errors.js";

const enc = encodeURIComponent;

/** A query string from the defined values of `params` ("" when none). */
function query(params) {
  const entries = Object.entries(params ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString() : "";
}

/** The ApiError of a failed answer: its problem details, with a code and a message whatever the body. */
function problemOf(response, json) {
  const problem = json && typeof json === "object" ? json : {};
  if (!problem.error && response.status === 401) problem.error = "unauthorized";
  if (!problem.error && !problem.message) problem.message = `The server answered ${response.status}.`;
  return new ApiError(response.status, problem);
}

export class Api {
  /**
   * @param {{ baseUrl?: string, accessTokenFactory?: () => (string | null | undefined | Promise<string | null | undefined>), fetch?: typeof fetch }} [options]
   *   `baseUrl`: the server's origin ("" for the page's own); `accessTokenFactory`: the backend token, or nothing when signed out.
   */
  constructor({ baseUrl = "", accessTokenFactory = () => null, fetch: fetchImpl } = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.accessTokenFactory = accessTokenFactory;
    this.fetch = fetchImpl ?? ((...args) => globalThis.fetch(...args));
  }

  /** One call; resolves with the JSON answer (null for 204), rejects with an ApiError carrying the contract's code. */
  async request(method, path, body) {
    const response = await this._send(method, path, body, "application/json");
    if (response.status === 204) return null;
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) throw problemOf(response, json);
    return json;
  }

  /** One call whose answer is text (a subtitle file); rejects with an ApiError as request() does. */
  async requestText(path, accept) {
    const response = await this._send("GET", path, undefined, accept);
    const text = await response.text();
    if (response.ok) return text;
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    throw problemOf(response, json);
  }

  async _send(method, path, body, accept) {
    const headers = { accept };
    const token = await this.accessTokenFactory();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await this.fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, { error: null, message: "The server cannot be reached. Check your connection and try again." });
    }
  }

  // ---- server and sign-in
  /** The server's public settings (anonymous): `{ dev_login, firebase, google_oauth, google_drive }`. */
  config() { return this.request("GET", "/api/config"); }
  health() { return this.request("GET", "/api/health"); }
  /** Development sign-in (404 when the server has it off). */
  devLogin(displayName) { return this.request("POST", "/api/auth/dev", { display_name: displayName }); }
  /** A Firebase ID token for a backend token: `{ token, expires_at, user }`. */
  exchange(idToken) { return this.request("POST", "/api/auth/exchange", { id_token: idToken }); }
  me() { return this.request("GET", "/api/auth/me"); }

  // ---- rooms
  createRoom(body) { return this.request("POST", "/api/rooms", body); }
  /** The full room for its participants; a preview `{ room_id, name, is_private, is_active, participant_count }` for anyone else. */
  getRoom(roomId) { return this.request("GET", `/api/rooms/${enc(roomId)}`); }
  myRooms() { return this.request("GET", "/api/rooms/mine"); }
  joinRoom(roomId, password) { return this.request("POST", `/api/rooms/${enc(roomId)}/join`, password === undefined ? {} : { password }); }
  leaveRoom(roomId) { return this.request("POST", `/api/rooms/${enc(roomId)}/leave`); }
  setPlayback(roomId, body) { return this.request("POST", `/api/rooms/${enc(roomId)}/playback`, body); }
  /** `{ url }` or `{ file_id, owner: "user" | "service" }`. */
  setVideo(roomId, body) { return this.request("PUT", `/api/rooms/${enc(roomId)}/video`, body); }
  streamUrl(roomId) { return this.request("GET", `/api/rooms/${enc(roomId)}/stream-url`); }
  /** `{ subtitles, subtitle_default, subtitle: { track_id, chosen } }` for members. */
  subtitles(roomId) { return this.request("GET", `/api/rooms/${enc(roomId)}/subtitles`); }
  /**
   * A track's WebVTT text (members only). A `<track>` cannot send the token: give it
   * `URL.createObjectURL(new Blob([text], { type: "text/vtt" }))`.
   */
  subtitleText(roomId, trackId) { return this.requestText(`/api/rooms/${enc(roomId)}/subtitles/${enc(trackId)}`, "text/vtt"); }
  closeRoom(roomId) { return this.request("DELETE", `/api/rooms/${enc(roomId)}`); }
  /** `{ invite, expires_at, url }`; host and co-hosts. */
  createInvite(roomId, { expiresInMinutes } = {}) {
    return this.request("POST", `/api/rooms/${enc(roomId)}/invites`, expiresInMinutes === undefined ? {} : { expires_in_minutes: expiresInMinutes });
  }

  // ---- movies (the service account's Drive) and the caller's own Drive
  movies({ pageSize, pageToken } = {}) { return this.request("GET", `/api/movies${query({ page_size: pageSize, page_token: pageToken })}`); }
  recentMovies() { return this.request("GET", "/api/movies/recent"); }
  searchMovies(q, { pageSize, pageToken } = {}) { return this.request("GET", `/api/movies/search${query({ q, page_size: pageSize, page_token: pageToken })}`); }
  movie(fileId) { return this.request("GET", `/api/movies/${enc(fileId)}`); }
  driveVideos({ q, pageSize, pageToken } = {}) { return this.request("GET", `/api/google/drive/videos${query({ q, page_size: pageSize, page_token: pageToken })}`); }

  // ---- Google account link
  /** `{ url }`: navigate the browser there to connect Google (the server redirects back with `?google=…`). */
  googleAuthUrl() { return this.request("GET", "/api/google/auth-url"); }
  googleStatus() { return this.request("GET", "/api/google/status"); }
  googleDisconnect() { return this.request("POST", "/api/google/disconnect"); }
}
