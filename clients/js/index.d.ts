// Types of @cinemasync/client. Wire payloads are snake_case, as the server sends them; times are
// server epoch milliseconds, positions seconds.
import type { HubConnection, IHubProtocol, LogLevel } from "@microsoft/signalr";

// ---------------------------------------------------------------- wire types

export type Role = "host" | "co_host" | "member";
export type PlaybackStatus = "idle" | "paused" | "playing" | "waiting";
export type SyncStatus = "ok" | "buffering" | "catching_up";
export type PlayerState = "buffering" | "ready" | "ended";

export interface PlaybackState {
  status: PlaybackStatus;
  position: number;
  rate: number;
  /** In the future for a scheduled start. */
  updated_at: number;
  version: number;
}

export interface MovieSource {
  type: "googleDrive" | "directLink" | "uploadLater";
  url?: string;
  file_id?: string;
  owner?: "user" | "service";
  name?: string;
  mime_type?: string;
  size?: number;
  duration_ms?: number;
  drive_user_id?: string;
  /** The video's subtitle tracks (absent: none). */
  subtitles?: SubtitleTrack[];
  /** The track members see until they choose one (absent: none). */
  subtitle_default?: string;
}

export interface SubtitleTrack {
  track_id: string;
  label: string;
  /** A BCP 47 tag ("en", "pt-BR"). */
  language: string;
  source: { type: "directLink"; url: string } | { type: "googleDrive"; file_id: string; owner?: "user" | "service"; name?: string };
}

/** A subtitle track as queue_add and subtitle_add take it: the server gives it its `track_id`. */
export type SubtitleTrackInput = Omit<SubtitleTrack, "track_id">;

/** A source for queue_add: a video and the subtitle tracks it brings. */
export type QueuedSource = Omit<MovieSource, "subtitles" | "subtitle_default"> & { subtitles?: SubtitleTrackInput[] };

/** A member's own subtitle: `chosen: false` means the room's default applies. */
export interface SubtitleChoice {
  track_id: string | null;
  chosen: boolean;
}

export interface MemberSync {
  drift_ms: number;
  rtt_ms: number;
  status: SyncStatus;
}

export interface Participant {
  user_id: string;
  display_name: string;
  role: Role;
  connected: boolean;
  sync?: MemberSync;
}

export interface RoomSettings {
  chat_enabled: boolean;
  reactions_enabled: boolean;
  max_participants: number;
  wait_for_buffering: boolean;
  buffer_timeout_ms: number;
  host_grace_ms: number;
}

export interface QueueItem {
  item_id: string;
  movie_source: MovieSource;
  title?: string | null;
  duration_ms?: number;
}

export interface Room {
  room_id: string;
  name: string;
  host_id: string;
  is_private: boolean;
  is_active: boolean;
  created_at: number;
  movie_source: MovieSource;
  settings: RoomSettings;
  participants: Participant[];
  playback_state: PlaybackState;
  queue: QueueItem[];
  seq: number;
}

/** What `GET /api/rooms/{id}` answers someone who is not a participant. */
export interface RoomPreview {
  room_id: string;
  name: string;
  is_private: boolean;
  is_active: boolean;
  participant_count?: number;
}

export interface ChatMessage {
  message_id: string;
  user_id: string;
  display_name: string;
  text: string;
  sent_at: number;
}

export interface User {
  user_id: string;
  display_name: string;
  email?: string | null;
  photo_url?: string | null;
}

export interface Session {
  token: string;
  expires_at: number;
  user: User;
}

export interface Movie {
  file_id: string;
  name: string;
  mime_type: string;
  size: number;
  duration_ms?: number;
  thumbnail_url?: string;
  modified_at: number | string;
  owner: "service" | "user";
}

export interface MoviePage {
  movies: Movie[];
  next_page_token?: string | null;
}

export interface ServerConfig {
  dev_login: boolean;
  firebase: { api_key: string; auth_domain: string; project_id: string; sign_in_providers: string[]; auth_emulator_url?: string | null } | null;
  google_oauth: boolean;
  google_drive: boolean;
}

// ---------------------------------------------------------------- acks

export type ErrorCode =
  | "unauthorized" | "forbidden" | "invalid_payload" | "room_not_found" | "room_closed" | "invalid_password"
  | "not_member" | "not_host" | "room_full" | "banned" | "chat_disabled" | "reactions_disabled" | "stale_version"
  | "rate_limited" | "google_not_connected" | "drive_error" | "file_not_found" | "invalid_invite" | "item_not_found"
  | "limit_reached" | "unavailable" | "not_configured" | "room_exists";

/** A refusal; `error` is null when the call never reached the server (the connection was down). */
export interface Failure {
  ok: false;
  error: ErrorCode | null;
  message: string;
  /** `stale_version` carries the current state. */
  playback_state?: PlaybackState;
}

export type Ack<T = {}> = ({ ok: true } & T) | Failure;

export interface MissedEvent {
  event: EventName;
  payload: unknown;
}

export type JoinAck = Ack<{ room: Room; chat_history: ChatMessage[]; subtitle: SubtitleChoice; missed_events?: MissedEvent[]; resync?: boolean }>;
export type SyncTimeAck = Ack<{ client_time: number; server_receive_at: number; server_send_at: number }>;

// ---------------------------------------------------------------- events

export interface ServerEvents {
  room_joined: { room_id: string; room: Room; seq: number };
  user_joined: { room_id: string; user: Participant; seq: number };
  user_left: { room_id: string; user_id: string; seq: number };
  playback_updated: { room_id: string; playback_state: PlaybackState; by: string | null; seq: number };
  new_chat_message: { room_id: string; message: ChatMessage; seq: number };
  new_reaction: { room_id: string; user_id: string; emoji: string; sent_at: number; seq: number };
  room_updated: { room_id: string; room: Room; seq: number };
  room_closed: { room_id: string; seq: number };
  host_changed: { room_id: string; host_id: string; by: string | null; seq: number };
  role_changed: { room_id: string; user_id: string; role: Role; seq: number };
  presence_changed: { room_id: string; user_id: string; connected: boolean; seq: number };
  queue_updated: { room_id: string; queue: QueueItem[]; seq: number };
  kicked: { room_id: string; banned: boolean };
  member_status: { room_id: string; members: Array<{ user_id: string } & MemberSync> };
}

export interface ClientEvents {
  /** A join or re-join was answered: `room` is the truth; the events after it follow. */
  joined: { room: Room; chat_history: ChatMessage[]; rejoin: boolean; resync: boolean; missed_events: MissedEvent[] };
  /** The client stopped following the room. */
  left: { room_id: string; reason: "left" | "kicked" | "banned" | "closed" | "rejoin_failed"; ack?: Ack };
  reconnecting: { error?: Error };
  reconnected: { connectionId: string | null };
  /** setSubtitle succeeded: the member's choice and the track it shows now (null: none). */
  subtitle: { subtitle: SubtitleChoice; track: SubtitleTrack | null };
  /** Every reconnect attempt failed; `reconnect()` tries again. */
  disconnected: { error?: Error };
}

export type EventName = keyof ServerEvents;
export type AllEvents = ServerEvents & ClientEvents;

// ---------------------------------------------------------------- names

/** Wire name of each hub method → the RoomClient method that calls it. */
export declare const HUB_METHODS: Readonly<{
  join_room: "join"; leave_room: "leave"; update_playback: "updatePlayback"; chat_message: "sendChat"; reaction: "react";
  sync_time: "syncTime"; report_status: "reportStatus"; set_role: "setRole"; transfer_host: "transferHost";
  kick_member: "kickMember"; update_settings: "updateSettings"; queue_add: "queueAdd"; queue_remove: "queueRemove";
  queue_move: "queueMove"; play_next: "playNext"; subtitle_add: "subtitleAdd"; subtitle_remove: "subtitleRemove";
  subtitle_rename: "subtitleRename"; subtitle_default: "setSubtitleDefault"; set_subtitle: "setSubtitle";
}>;
export declare const SEQ_EVENTS: readonly EventName[];
export declare const DIRECT_EVENTS: readonly EventName[];
export declare const EVENTS: readonly EventName[];

// ---------------------------------------------------------------- errors

export declare const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>>;
export declare const ERROR_CODES: readonly ErrorCode[];
export declare const CONNECTION_LOST_MESSAGE: string;
/** One sentence for an ack or problem body `{ error, message }`. */
export declare function describeError(failure: { error?: string | null; message?: string } | null | undefined): string;

export declare class ApiError extends Error {
  constructor(status: number, body: any);
  /** The HTTP status; 0 when the server was not reached. */
  status: number;
  code: ErrorCode | null;
  /** The problem details (`title`, `detail`, `errors` for validation). */
  body: any;
}

// ---------------------------------------------------------------- REST

export type TokenFactory = () => string | null | undefined | Promise<string | null | undefined>;

export declare class Api {
  constructor(options?: { baseUrl?: string; accessTokenFactory?: TokenFactory; fetch?: typeof fetch });
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  config(): Promise<ServerConfig>;
  health(): Promise<{ status: "ok" | "degraded"; storage: string; cluster: string; version: string }>;
  devLogin(displayName: string): Promise<Session>;
  exchange(idToken: string): Promise<Session>;
  me(): Promise<User>;
  createRoom(body: { name: string; is_private: boolean; password?: string; movie_source: MovieSource; settings?: Partial<RoomSettings> }): Promise<Room>;
  getRoom(roomId: string): Promise<Room | RoomPreview>;
  myRooms(): Promise<{ rooms: Room[] }>;
  joinRoom(roomId: string, password?: string): Promise<Room>;
  leaveRoom(roomId: string): Promise<null>;
  setPlayback(roomId: string, body: { status: "playing" | "paused"; position: number; rate?: number; base_version?: number }): Promise<PlaybackState>;
  setVideo(roomId: string, body: { url: string } | { file_id: string; owner: "user" | "service" }): Promise<Room>;
  streamUrl(roomId: string): Promise<{ url: string; expires_at: number }>;
  subtitles(roomId: string): Promise<{ subtitles: SubtitleTrack[]; subtitle_default: string | null; subtitle: SubtitleChoice }>;
  /** A track's WebVTT text (members only); give a `<track>` a blob: URL of it. */
  subtitleText(roomId: string, trackId: string): Promise<string>;
  requestText(path: string, accept: string): Promise<string>;
  closeRoom(roomId: string): Promise<null>;
  createInvite(roomId: string, options?: { expiresInMinutes?: number }): Promise<{ invite: string; expires_at: number; url: string }>;
  movies(options?: { pageSize?: number; pageToken?: string }): Promise<MoviePage>;
  recentMovies(): Promise<{ movies: Movie[] }>;
  searchMovies(q: string, options?: { pageSize?: number; pageToken?: string }): Promise<MoviePage>;
  movie(fileId: string): Promise<Movie>;
  driveVideos(options?: { q?: string; pageSize?: number; pageToken?: string }): Promise<MoviePage>;
  googleAuthUrl(): Promise<{ url: string }>;
  googleStatus(): Promise<{ connected: boolean; email: string | null }>;
  googleDisconnect(): Promise<null>;
}

// ---------------------------------------------------------------- the player and the sync engine

/** What the sync engine and the status reporter need from a player. Html5VideoAdapter wraps a <video>. */
export interface PlayerAdapter {
  readonly currentTime: number;
  /** NaN or Infinity while unknown. */
  readonly duration: number;
  readonly paused: boolean;
  readonly seeking: boolean;
  readonly ended: boolean;
  playbackRate: number;
  /** A source is loaded and positions can be set. */
  readonly ready: boolean;
  /** Enough data to play from the current position now. */
  readonly canPlay: boolean;
  seek(seconds: number): void;
  /** Rejects with a DOMException named "NotAllowedError" when the platform refuses to start without a user gesture. */
  play(): Promise<void> | void;
  pause(): void;
  /**
   * Media events: play, pause, seeking, seeked, loadedmetadata (the engine), waiting, stalled,
   * canplay, canplaythrough, playing, ended, emptied (the status reporter). Returns the function
   * that stops listening.
   */
  on(type: string, listener: () => void): () => void;
}

/** The PlayerAdapter of a media element (its members are PlayerAdapter's). */
export interface Html5VideoAdapter extends PlayerAdapter {}
export declare class Html5VideoAdapter {
  constructor(element: HTMLMediaElement);
  readonly element: HTMLMediaElement;
  play(): Promise<void>;
}

export declare function asPlayer(player: PlayerAdapter | HTMLMediaElement): PlayerAdapter;

/** This client's monotonic clock in epoch ms. */
export declare function clientNow(): number;
/** The authoritative position of `state` at server time `serverNowMs`, in seconds. */
export declare function targetPosition(state: Pick<PlaybackState, "status" | "position" | "updated_at"> & { rate?: number }, serverNowMs: number): number;

export interface ClockOptions {
  /** Samples kept; the one with the smallest round trip gives the offset. Default 8. */
  window?: number;
  /** Between samples after the burst, ms. Default 4000. */
  intervalMs?: number;
  /** Samples in the first burst. Default 5. */
  burst?: number;
  /** Between the burst's samples, ms. Default 150. */
  burstGapMs?: number;
}

export declare class ClockSync {
  constructor(invokeSyncTime: (payload: { client_time: number; rtt_ms?: number }) => Promise<SyncTimeAck | any>, options?: ClockOptions);
  readonly samples: Array<{ offset: number; rtt: number; at: number }>;
  readonly ready: boolean;
  /** Server clock minus client clock, ms (0 before the first exchange). */
  readonly offsetMs: number;
  /** The round trip of the sample the offset comes from, ms (null before the first exchange). */
  readonly rttMs: number | null;
  serverNow(): number;
  sample(): Promise<{ offset: number; rtt: number; at: number } | null>;
  start(): void;
  restart(): void;
  stop(): void;
}

export interface SyncOptions {
  /** Correction timer, ms. Default 250. */
  tickMs?: number;
  /** Rate correction starts above this drift, ms. Default 60. */
  startBandMs?: number;
  /** ... and stops below this one (hysteresis), ms. Default 20. */
  stopBandMs?: number;
  /** Playback rate change while correcting (0.05 = ±5 %). */
  rateDelta?: number;
  /** Above this drift, a seek instead of a rate change, ms. Default 1000. */
  seekThresholdMs?: number;
  /** While (re)starting, a seek above this drift, ms. Default 200. */
  acquireSeekThresholdMs?: number;
  /** Seeks per (re)start before the normal thresholds apply. Default 3. */
  maxAcquireSeeks?: number;
}

export declare const SYNC_DEFAULTS: Readonly<Required<SyncOptions>>;

export interface SyncStatusReport {
  driftMs: number | null;
  rttMs: number | null;
  offsetMs: number;
  /** 0, +1 (ahead, slowing down) or -1 (behind, speeding up). */
  correcting: 0 | 1 | -1;
  playbackRate: number;
  startsInMs: number;
  autoplayBlocked: boolean;
  status: PlaybackStatus;
}

export declare class PlaybackSync {
  constructor(
    player: PlayerAdapter | HTMLMediaElement,
    clock: Pick<ClockSync, "serverNow" | "rttMs" | "offsetMs">,
    options?: SyncOptions & { onStatus?: (status: SyncStatusReport) => void; onAutoplayBlocked?: () => void },
  );
  readonly player: PlayerAdapter;
  readonly state: PlaybackState | null;
  readonly driftMs: number | null;
  readonly acquiring: boolean;
  readonly autoplayBlocked: boolean;
  start(): void;
  stop(): void;
  /** A snapshot's state (a join, room_updated). */
  reset(state: PlaybackState | null, seq?: number): void;
  /** A playback_updated (with its seq) or an ack's state (without); false when ignored as old. */
  update(state: PlaybackState | null, seq?: number): boolean;
  /** Host and co-hosts: local play/pause/seek become requests; null for members (the room's state wins). */
  setController(request: ((change: { status: "playing" | "paused"; position: number }) => unknown) | null): void;
  target(): number | null;
  startsInMs(): number;
  /** The user pressed Start after an autoplay refusal. */
  unblock(): Promise<void>;
  /** Local playback (re)starts: seek onto the room if far off. */
  resume(): void;
  correct(): void;
}

export interface StatusOptions {
  /** A stall is reported after lasting this long, ms. Default 500. */
  stallDebounceMs?: number;
  /** The current state is repeated this often (0: never), ms. Default 5000. */
  heartbeatMs?: number;
}

export declare const STATUS_DEFAULTS: Readonly<Required<StatusOptions>>;

export declare class PlayerStatusReporter {
  constructor(player: PlayerAdapter | HTMLMediaElement, send: (state: PlayerState, position: number) => unknown, options?: StatusOptions);
  /** The last state sent, or null. */
  readonly state: PlayerState | null;
  start(): void;
  stop(): void;
}

// ---------------------------------------------------------------- the room state

export declare function applyRoomEvent(room: Room | null, name: EventName, payload: any): Room | null;
export declare function roleOf(room: Room | null, userId: string | null | undefined): Role | null;
export declare function canControl(room: Room | null, userId: string | null | undefined): boolean;

// ---------------------------------------------------------------- RoomClient

export declare const HUB_PATH: "/hubs/room";
export declare const RECONNECT_DELAYS: readonly number[];

export interface RoomClientOptions {
  /** The server's origin; "" (default) for the page's own. */
  baseUrl?: string;
  /** The backend token; asked at every (re)connect, so it can renew an expiring one. */
  accessTokenFactory: () => string | Promise<string>;
  /** Builds the connection (default: @microsoft/signalr's HubConnectionBuilder with automatic reconnect). */
  connectionFactory?: (url: string, options: { accessTokenFactory: () => string | Promise<string>; reconnectDelays: readonly number[]; logLevel: LogLevel; hubProtocol: IHubProtocol | null }) => HubConnection;
  /**
   * The hub protocol (default: JSON). The server also speaks MessagePack, with the same payloads:
   * `new MessagePackHubProtocol()` from the optional package `@microsoft/signalr-protocol-msgpack`.
   */
  hubProtocol?: IHubProtocol | null;
  reconnectDelays?: readonly number[];
  logLevel?: LogLevel;
  clock?: ClockOptions;
  /** A listener threw (default: rethrown asynchronously, so it shows in the console). */
  onListenerError?: (error: unknown) => void;
}

export declare class RoomClient {
  constructor(options: RoomClientOptions);
  readonly connection: HubConnection | null;
  readonly state: "Disconnected" | "Connecting" | "Connected" | "Disconnecting" | "Reconnecting";
  readonly connectionId: string | null;
  readonly clock: ClockSync;
  /** The room joined, kept current from its events; null when in none. */
  readonly room: Room | null;
  readonly roomId: string | null;
  /** The seq of the last room event applied. */
  readonly lastSeq: number;
  /** This member's own subtitle as the server keeps it (from the join ack and setSubtitle). */
  readonly subtitleChoice: SubtitleChoice;
  /** The current video's subtitle tracks. */
  readonly subtitles: SubtitleTrack[];
  /** The track this member sees now: their choice while it is on the video, else the room's default; null for none. */
  readonly subtitle: SubtitleTrack | null;

  on<K extends keyof AllEvents>(name: K, listener: (payload: AllEvents[K]) => void): () => void;
  off<K extends keyof AllEvents>(name: K, listener: (payload: AllEvents[K]) => void): void;

  connect(): Promise<this>;
  disconnect(): Promise<void>;
  reconnect(): Promise<void>;
  invoke<T = Ack>(method: keyof typeof HUB_METHODS, payload: object): Promise<T>;

  join(roomId: string, options?: { password?: string; invite?: string }): Promise<JoinAck>;
  resume(): Promise<JoinAck | null>;
  leave(): Promise<Ack>;
  detach(): void;
  updatePlayback(change: { status: "playing" | "paused"; position: number; rate?: number; base_version?: number }): Promise<Ack<{ playback_state: PlaybackState }>>;
  sendChat(text: string): Promise<Ack<{ message: ChatMessage }>>;
  react(emoji: string): Promise<Ack>;
  syncTime(payload: { client_time: number; rtt_ms?: number }): Promise<SyncTimeAck>;
  reportStatus(report: { state: PlayerState; position: number; rtt_ms?: number }): Promise<Ack>;
  setRole(userId: string, role: "co_host" | "member"): Promise<Ack>;
  transferHost(userId: string): Promise<Ack>;
  kickMember(userId: string, options?: { ban?: boolean }): Promise<Ack>;
  updateSettings(settings: Partial<RoomSettings>): Promise<Ack<{ settings: RoomSettings }>>;
  /** `movie_source.subtitles`: at most 16 tracks the video brings when it plays (the server gives them their ids). */
  queueAdd(item: { movie_source: QueuedSource; title?: string; duration_ms?: number }): Promise<Ack<{ item: QueueItem }>>;
  queueRemove(itemId: string): Promise<Ack>;
  queueMove(itemId: string, index: number): Promise<Ack>;
  playNext(): Promise<Ack<{ playback_state: PlaybackState }>>;
  subtitleAdd(track: SubtitleTrackInput): Promise<Ack<{ track: SubtitleTrack }>>;
  subtitleRemove(trackId: string): Promise<Ack>;
  /** A new label and/or language for a track (host and co-hosts). */
  subtitleRename(trackId: string, changes: { label?: string; language?: string }): Promise<Ack<{ track: SubtitleTrack }>>;
  setSubtitleDefault(trackId: string | null): Promise<Ack>;
  /** This member's own track (null: none); kept by the server for them only. */
  setSubtitle(trackId: string | null): Promise<Ack<{ subtitle: SubtitleChoice }>>;
  /** A PlayerStatusReporter that sends through reportStatus (call start() on it). */
  reportPlayer(player: PlayerAdapter | HTMLMediaElement, options?: StatusOptions): PlayerStatusReporter;
}
