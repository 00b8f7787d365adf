// The realtime half of the contract: a SignalR connection to /hubs/room, one method per hub
// method, the room's events in order (each once), and the room object kept current from them.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import { CONNECTION_LOST_MESSAGE } from "./errors.js";
import { DIRECT_EVENTS, EVENTS } from "./names.js";
import { applyRoomEvent } from "./room-state.js";
import { PlayerStatusReporter } from "./status.js";
import { ClockSync } from "./sync.js";

export const HUB_PATH = "/hubs/room";

/** Waits before each reconnect attempt, in ms (then the client gives up and says `disconnected`). */
export const RECONNECT_DELAYS = Object.freeze([0, 1000, 2000, 5000, 10000, 10000, 30000]);

/** A gap in `seq` is closed by a re-join with `last_seq`, at most once in this many ms. */
const GAP_RESUME_INTERVAL_MS = 2000;

function defaultConnectionFactory(url, { accessTokenFactory, reconnectDelays, logLevel, hubProtocol }) {
  const builder = new HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory })
    .withAutomaticReconnect([...reconnectDelays])
    .configureLogging(logLevel);
  if (hubProtocol) builder.withHubProtocol(hubProtocol);
  return builder.build();
}

/** A listener's error, thrown where it shows (the console, window.onerror) without breaking the caller. */
function rethrowLater(err) {
  queueMicrotask(() => { throw err; });
}

const bySeq = (a, b) => (a[1]?.seq ?? Infinity) - (b[1]?.seq ?? Infinity);

export class RoomClient {
  /**
   * @param {{
   *   baseUrl?: string,
   *   accessTokenFactory: () => string | Promise<string>,
   *   connectionFactory?: (url: string, options: object) => any,
   *   reconnectDelays?: number[],
   *   logLevel?: number,
   *   clock?: object,
   *   onListenerError?: (error: unknown) => void,
   *   hubProtocol?: object,
   * }} options see index.d.ts
   */
  constructor({
    baseUrl = "", accessTokenFactory, connectionFactory = defaultConnectionFactory, reconnectDelays = RECONNECT_DELAYS,
    logLevel = LogLevel.Warning, clock, onListenerError = rethrowLater, hubProtocol = null,
  } = {}) {
    if (typeof accessTokenFactory !== "function") throw new TypeError("RoomClient needs an accessTokenFactory.");
    this.url = baseUrl.replace(/\/$/, "") + HUB_PATH;
    this.accessTokenFactory = accessTokenFactory;
    this.connectionFactory = connectionFactory;
    this.reconnectDelays = reconnectDelays;
    this.logLevel = logLevel;
    this.onListenerError = onListenerError;
    this.hubProtocol = hubProtocol;
    /** The clock offset estimate from `sync_time`, sampled while connected. */
    this.clock = new ClockSync(payload => this.syncTime(payload), clock);
    /** The underlying SignalR HubConnection (null before connect()). */
    this.connection = null;
    /** The room joined, kept current from its events (null when in none). */
    this.room = null;
    this.roomId = null;
    /** The `seq` of the last room event applied. */
    this.lastSeq = -1;
    /** This member's own subtitle as the server keeps it: `{ track_id, chosen }` (from the join ack and set_subtitle). */
    this.subtitleChoice = { track_id: null, chosen: false };
    this._listeners = new Map();
    this._joining = null; // room id while join_room awaits its ack
    this._pending = []; // [name, payload] received meanwhile
    this._stopping = false;
    this._restarting = null;
    this._lastGapResume = -Infinity;
  }

  /** "Disconnected", "Connecting", "Connected", "Disconnecting" or "Reconnecting" (SignalR's states). */
  get state() {
    return this.connection?.state ?? HubConnectionState.Disconnected;
  }

  get connectionId() {
    return this.connection?.connectionId ?? null;
  }

  // ---------------------------------------------------------------- events

  /** Listens to a server event (wire name) or a client event (`joined`, `left`, `reconnecting`, `reconnected`, `disconnected`); returns the function that stops listening. */
  on(name, listener) {
    if (!this._listeners.has(name)) this._listeners.set(name, new Set());
    this._listeners.get(name).add(listener);
    return () => this.off(name, listener);
  }

  off(name, listener) {
    this._listeners.get(name)?.delete(listener);
  }

  _emit(name, payload) {
    for (const listener of [...(this._listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        this.onListenerError(err); // a listener's bug must not stop the others or the event order
      }
    }
  }

  // ---------------------------------------------------------------- connection

  /** Connects (once; later calls wait for the same connection) and starts the clock. */
  async connect() {
    if (!this.connection) this._createConnection();
    this._stopping = false;
    if (this.connection.state === HubConnectionState.Disconnected) {
      this._starting ??= this.connection.start().finally(() => { this._starting = null; });
      await this._starting;
      this.clock.restart();
    } else if (this._starting) {
      await this._starting;
    }
    return this;
  }

  /** Closes the connection for good (no reconnect); the room is left only on the server's side by a drop. */
  async disconnect() {
    this._stopping = true;
    this.clock.stop();
    this.roomId = null;
    this.room = null;
    await this.connection?.stop();
  }

  /** After `disconnected`: connects again (a fresh token from the factory) and re-joins the room with `last_seq`. */
  async reconnect() {
    this._stopping = false;
    await this.connect();
    await this._rejoin();
    this._emit("reconnected", { connectionId: this.connectionId });
  }

  _createConnection() {
    const c = this.connectionFactory(this.url, {
      accessTokenFactory: () => this.accessTokenFactory(),
      reconnectDelays: this.reconnectDelays,
      logLevel: this.logLevel,
      hubProtocol: this.hubProtocol,
    });
    for (const name of EVENTS) c.on(name, payload => this._onServerEvent(name, payload));
    c.onreconnecting(error => this._emit("reconnecting", { error }));
    c.onreconnected(async () => {
      this.clock.restart(); // another server may answer now
      await this._rejoin();
      this._emit("reconnected", { connectionId: this.connectionId });
    });
    c.onclose(error => this._onClose(error));
    this.connection = c;
  }

  /** Closed for good by SignalR (its own reconnects gave up, or the server closed it): try again with a fresh token. */
  async _onClose(error) {
    this.clock.stop();
    if (this._stopping || this._restarting) return;
    this._emit("reconnecting", { error });
    for (const delay of this.reconnectDelays) {
      await new Promise(r => setTimeout(r, delay));
      if (this._stopping) return;
      try {
        await this.connect();
        await this._rejoin();
        this._emit("reconnected", { connectionId: this.connectionId });
        return;
      } catch {
        // the next delay
      }
    }
    this._emit("disconnected", { error });
  }

  /** A new connection with a fresh token (the old one's expired), then the room again. */
  async _restart() {
    this._restarting ??= (async () => {
      try {
        await this.connection?.stop();
        await this.connect();
        await this._rejoin();
      } finally {
        this._restarting = null;
      }
    })();
    return this._restarting;
  }

  // ---------------------------------------------------------------- calls

  /** Invokes a hub method and returns its ack; a call that never reached the server becomes `{ ok: false, error: null, message }`. */
  async invoke(method, payload, { refresh = true } = {}) {
    let ack;
    try {
      if (!this.connection || this.connection.state !== HubConnectionState.Connected) throw new Error("not connected");
      ack = await this.connection.invoke(method, payload);
    } catch (cause) {
      return { ok: false, error: null, message: CONNECTION_LOST_MESSAGE, cause };
    }
    if (ack?.error === "unauthorized" && refresh && method !== "sync_time") {
      // The token expired under a live connection: reconnect with a fresh one, then try once more.
      try {
        await this._restart();
      } catch {
        return ack;
      }
      return this.invoke(method, payload, { refresh: false });
    }
    return ack;
  }

  _inRoom(method, fields) {
    if (!this.roomId) return Promise.resolve({ ok: false, error: "not_member", message: "Join a room first." });
    return this.invoke(method, { room_id: this.roomId, ...fields });
  }

  /**
   * Joins a room (connecting first if needed). Resolves with the ack; on success `room` holds the
   * room and `joined` has been emitted, then the events that arrived meanwhile.
   */
  async join(roomId, { password, invite } = {}) {
    await this.connect();
    return this._join(roomId, { password, invite, rejoin: false });
  }

  /** Joins the current room again with `last_seq`: the events missed since are applied in order. */
  async resume() {
    return this._rejoin();
  }

  async _rejoin() {
    if (!this.roomId) return null;
    const roomId = this.roomId;
    const ack = await this._join(roomId, { rejoin: true });
    if (!ack.ok && ack.error) {
      this._forgetRoom();
      this._emit("left", { room_id: roomId, reason: "rejoin_failed", ack });
    }
    return ack;
  }

  async _join(roomId, { password, invite, rejoin }) {
    const payload = { room_id: roomId };
    if (password !== undefined) payload.password = password;
    if (invite !== undefined) payload.invite = invite;
    const resuming = rejoin && roomId === this.roomId && this.lastSeq >= 0;
    if (resuming) payload.last_seq = this.lastSeq;
    this._joining = roomId;
    let ack;
    try {
      ack = await this.invoke("join_room", payload);
    } finally {
      this._joining = null;
    }
    if (!ack.ok) {
      this._pending = [];
      return ack;
    }
    if (!resuming) {
      this.roomId = roomId;
      this.room = null;
      this.lastSeq = -1;
    }
    const missed = resuming && !ack.resync ? ack.missed_events ?? [] : [];
    for (const m of missed) this._apply(m.event, m.payload, { checkGap: false });
    // The ack's room is the truth as of the join; events after it follow.
    if (ack.room && (ack.room.seq ?? -1) >= this.lastSeq) {
      this.room = ack.room;
      this.lastSeq = ack.room.seq ?? this.lastSeq;
    }
    if (ack.subtitle) this.subtitleChoice = ack.subtitle;
    this._emit("joined", { room: this.room, chat_history: ack.chat_history ?? [], rejoin: !!rejoin, resync: !!ack.resync, missed_events: missed });
    for (const [name, e] of this._pending.splice(0).sort(bySeq)) this._apply(name, e, { checkGap: false });
    return ack;
  }

  /** Leaves the room (the server forgets the membership). */
  async leave() {
    const roomId = this.roomId;
    if (!roomId) return { ok: true };
    const ack = await this.invoke("leave_room", { room_id: roomId });
    this._forgetRoom();
    this._emit("left", { room_id: roomId, reason: "left", ack });
    return ack;
  }

  /** Stops following the room on this client (its events are ignored, no re-join after a reconnect); the membership stays. */
  detach() {
    this._forgetRoom();
  }

  /** Host and co-hosts: `{ status: "playing" | "paused", position, rate?, base_version? }` → `{ ok, playback_state }`. */
  async updatePlayback({ status, position, rate, base_version }) {
    const fields = { status, position };
    if (rate !== undefined) fields.rate = rate;
    if (base_version !== undefined) fields.base_version = base_version;
    return this._notePlayback(await this._inRoom("update_playback", fields));
  }

  /** An ack's playback state is the room's newest until an event says otherwise. */
  _notePlayback(ack) {
    const state = ack?.playback_state;
    if (this.room && state && (state.version ?? 0) >= (this.room.playback_state?.version ?? -1)) this.room.playback_state = state;
    return ack;
  }

  sendChat(text) { return this._inRoom("chat_message", { text }); }
  react(emoji) { return this._inRoom("reaction", { emoji }); }
  /** One clock exchange (ClockSync calls it; `client.clock` holds the estimate). */
  syncTime(payload) { return this.invoke("sync_time", payload, { refresh: false }); }

  /** The player's state; `rtt_ms` is added from the clock's measurements. */
  reportStatus({ state, position, rtt_ms }) {
    const fields = { state, position: Math.max(0, Number.isFinite(position) ? position : 0) };
    const rtt = rtt_ms ?? this.clock.rttMs;
    if (rtt != null && Number.isFinite(rtt)) fields.rtt_ms = Math.min(60000, Math.max(0, Math.round(rtt)));
    return this._inRoom("report_status", fields);
  }

  setRole(userId, role) { return this._inRoom("set_role", { user_id: userId, role }); }
  transferHost(userId) { return this._inRoom("transfer_host", { user_id: userId }); }
  kickMember(userId, { ban = false } = {}) { return this._inRoom("kick_member", { user_id: userId, ban }); }
  updateSettings(settings) { return this._inRoom("update_settings", { settings }); }

  /** `{ movie_source, title?, duration_ms? }` → `{ ok, item }`. */
  queueAdd({ movie_source, title, duration_ms }) {
    const fields = { movie_source };
    if (title !== undefined) fields.title = title;
    if (duration_ms !== undefined) fields.duration_ms = duration_ms;
    return this._inRoom("queue_add", fields);
  }

  queueRemove(itemId) { return this._inRoom("queue_remove", { item_id: itemId }); }
  queueMove(itemId, index) { return this._inRoom("queue_move", { item_id: itemId, index }); }
  async playNext() { return this._notePlayback(await this._inRoom("play_next", {})); }

  /** The current video's subtitle tracks. */
  get subtitles() {
    return this.room?.movie_source?.subtitles ?? [];
  }

  /**
   * The track this member sees now: their choice while its track is on the video, else the room's
   * default (the server's rule, applied here as tracks change); null for none.
   */
  get subtitle() {
    const tracks = this.subtitles;
    const { track_id, chosen } = this.subtitleChoice;
    const id = chosen && (track_id === null || tracks.some(t => t.track_id === track_id))
      ? track_id
      : this.room?.movie_source?.subtitle_default ?? null;
    return tracks.find(t => t.track_id === id) ?? null;
  }

  /** Host and co-hosts: `{ label, language, source: { type: "directLink", url } | { type: "googleDrive", file_id, owner? } }` → `{ ok, track }`. */
  subtitleAdd({ label, language, source }) { return this._inRoom("subtitle_add", { label, language, source }); }
  subtitleRemove(trackId) { return this._inRoom("subtitle_remove", { track_id: trackId }); }
  /** `{ label?, language? }` for a track (host, co-hosts) → `{ ok, track }`; the room hears room_updated. */
  subtitleRename(trackId, { label, language } = {}) {
    const fields = { track_id: trackId };
    if (label !== undefined) fields.label = label;
    if (language !== undefined) fields.language = language;
    return this._inRoom("subtitle_rename", fields);
  }
  /** Host and co-hosts: the track members see until they choose (null: none). */
  setSubtitleDefault(trackId) { return this._inRoom("subtitle_default", { track_id: trackId ?? null }); }

  /** This member's own track (null: none), kept by the server for them only; emits `subtitle` on success. */
  async setSubtitle(trackId) {
    const ack = await this._inRoom("set_subtitle", { track_id: trackId ?? null });
    if (ack?.ok && ack.subtitle) {
      this.subtitleChoice = ack.subtitle;
      this._emit("subtitle", { subtitle: ack.subtitle, track: this.subtitle });
    }
    return ack;
  }

  /** Reports `player`'s state (buffering, ready, ended) to the room while it is started; see PlayerStatusReporter. */
  reportPlayer(player, options) {
    return new PlayerStatusReporter(player, (state, position) => this.reportStatus({ state, position }), options);
  }

  // ---------------------------------------------------------------- incoming events

  _onServerEvent(name, e) {
    const roomId = e?.room_id;
    if (this._joining !== null && roomId === this._joining) {
      this._pending.push([name, e]);
      return;
    }
    if (!this.room || roomId !== this.roomId) return;
    this._apply(name, e, { checkGap: true });
  }

  _apply(name, e, { checkGap }) {
    if (typeof e?.seq === "number" && !DIRECT_EVENTS.includes(name)) {
      if (e.seq <= this.lastSeq) return; // seen already (room_joined repeats the current seq)
      if (checkGap && this.lastSeq >= 0 && e.seq > this.lastSeq + 1 && Date.now() - this._lastGapResume > GAP_RESUME_INTERVAL_MS) {
        // Events were lost on the way: fetch them with a re-join; this one follows them.
        this._lastGapResume = Date.now();
        this._pending.push([name, e]);
        this._rejoin();
        return;
      }
      this.lastSeq = e.seq;
    }
    this.room = applyRoomEvent(this.room, name, e);
    this._emit(name, e);
    if (name === "kicked" || name === "room_closed") {
      const roomId = this.roomId;
      this._forgetRoom();
      this._emit("left", { room_id: roomId, reason: name === "room_closed" ? "closed" : e.banned ? "banned" : "kicked" });
    }
  }

  _forgetRoom() {
    this.subtitleChoice = { track_id: null, chosen: false };
    this.roomId = null;
    this.room = null;
    this.lastSeq = -1;
    this._pending = [];
  }
}
