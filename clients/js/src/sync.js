// The sync engine: keeps a player on the room's authoritative playback state. Player-agnostic:
// it drives a PlayerAdapter (index.d.ts; Html5VideoAdapter for <video> is included, and a media
// element given directly is wrapped in one).
//
//   ClockSync     estimates the offset between this client's clock and the server's with the hub
//                 method `sync_time`, so that server timestamps (`updated_at`) can be compared
//                 with "now".
//   PlaybackSync  keeps a player on the room's playback state: extrapolates the target position,
//                 honours scheduled starts, corrects small drift with a playback-rate band (with
//                 hysteresis) and large drift with a seek; a player that (re)starts (joins,
//                 resumes, reconnects) seeks onto the room at once instead of creeping there with
//                 the rate band.
//
// The wire contract: while `playing`, the position at server time t is
//   position + (t - updated_at) / 1000 * rate
// `updated_at` may lie in the future: a scheduled start. Everyone holds `position`, paused,
// until that moment and then starts together. `waiting` (someone buffers) holds like `paused`.
//
// Usage (RoomClient owns a ClockSync as `client.clock`):
//   const sync = new PlaybackSync(new Html5VideoAdapter(video), client.clock, { onStatus: render });
//   sync.start();
//   client.on("joined", ({ room }) => sync.reset(room.playback_state, room.seq));
//   client.on("playback_updated", e => sync.update(e.playback_state, e.seq));
import { asPlayer } from "./html5-video.js";

/** This client's clock in epoch milliseconds, monotonic (not moved by wall-clock adjustments). */
export function clientNow() {
  return performance.timeOrigin + performance.now();
}

/**
 * Clock offset from `sync_time` exchanges (NTP-style, one server timestamp pair per exchange).
 *
 * For one exchange sent at client time t0 and answered at t1, with the server's receive and
 * send times r and s:
 *   rtt    = (t1 - t0) - (s - r)              the network round trip, server time excluded
 *   offset = (r + s) / 2 - (t0 + t1) / 2      server time minus the client's midpoint
 * The offset of a sample is only as good as its round trip is symmetric, and the error is at
 * most rtt / 2, so the estimate is the sample with the smallest rtt among the last 8. A burst
 * of samples at start gives a good estimate quickly; then one sample every `intervalMs`
 * follows slow clock drift and changing network paths. Each request carries the previous
 * exchange's `rtt_ms`, which the server may use to schedule starts (the "Watch together
 * better" extension) and otherwise ignores.
 */
export class ClockSync {
  /**
   * @param {(payload: {client_time: number, rtt_ms?: number}) => Promise<any>} invokeSyncTime
   * @param {{window?: number, intervalMs?: number, burst?: number, burstGapMs?: number}} [options]
   */
  constructor(invokeSyncTime, options = {}) {
    this.invokeSyncTime = invokeSyncTime;
    this.window = options.window ?? 8;
    this.intervalMs = options.intervalMs ?? 4000;
    this.burst = options.burst ?? 5;
    this.burstGapMs = options.burstGapMs ?? 150;
    /** @type {{offset: number, rtt: number, at: number}[]} */
    this.samples = [];
    this.lastRttMs = undefined;
    this._stale = false; // after restart(): the next sample replaces the window
    this._timer = null;
    this._stopped = true;
  }

  /** True once at least one exchange succeeded. */
  get ready() {
    return this.samples.length > 0;
  }

  /** The best sample (minimum rtt of the window), or null before the first exchange. */
  get best() {
    let best = null;
    for (const s of this.samples) if (!best || s.rtt < best.rtt) best = s;
    return best;
  }

  /** Server clock minus client clock, in ms (0 until the first exchange). */
  get offsetMs() {
    return this.best?.offset ?? 0;
  }

  /** Round-trip time of the sample the offset comes from, in ms. */
  get rttMs() {
    return this.best?.rtt ?? null;
  }

  /** The server's clock now, in epoch ms. */
  serverNow() {
    return clientNow() + this.offsetMs;
  }

  /** One exchange; adds a sample and returns it (or null when the server refused). */
  async sample() {
    const payload = { client_time: clientNow() };
    if (this.lastRttMs !== undefined) payload.rtt_ms = Math.round(this.lastRttMs);
    const t0 = payload.client_time;
    const ack = await this.invokeSyncTime(payload);
    const t1 = clientNow();
    if (!ack || !ack.ok) return null;
    const r = ack.server_receive_at;
    const s = ack.server_send_at;
    const rtt = Math.max(0, (t1 - t0) - (s - r));
    const sample = { offset: (r + s) / 2 - (t0 + t1) / 2, rtt, at: t1 };
    this.lastRttMs = rtt;
    if (this._stale) {
      this.samples = [];
      this._stale = false;
    }
    this.samples.push(sample);
    if (this.samples.length > this.window) this.samples.shift();
    return sample;
  }

  /** A burst now, then one sample every `intervalMs` until `stop()`. */
  start() {
    if (!this._stopped) return;
    this._stopped = false;
    const loop = async () => {
      for (let i = 0; i < this.burst && !this._stopped; i++) {
        await this._safeSample();
        await new Promise(r => setTimeout(r, this.burstGapMs));
      }
      const tick = async () => {
        if (this._stopped) return;
        await this._safeSample();
        if (!this._stopped) this._timer = setTimeout(tick, this.intervalMs);
      };
      if (!this._stopped) this._timer = setTimeout(tick, this.intervalMs);
    };
    loop();
  }

  /**
   * Start over (e.g. after a reconnect, which may reach another server): a new burst whose
   * first sample replaces the old ones. Until it arrives the old estimate stays in use, so a
   * correction in between does not read a zero offset.
   */
  restart() {
    this.stop();
    this._stale = this.samples.length > 0;
    this.start();
  }

  stop() {
    this._stopped = true;
    clearTimeout(this._timer);
  }

  async _safeSample() {
    try {
      await this.sample();
    } catch {
      // Disconnected: the next tick tries again; the offset keeps its last estimate.
    }
  }
}

/**
 * The authoritative position of a playback state at server time `serverNowMs`, in seconds.
 * While playing with `updated_at` in the future (a scheduled start), it is `position`.
 * @param {{status: string, position: number, rate?: number, updated_at: number}} state
 */
export function targetPosition(state, serverNowMs) {
  if (state.status !== "playing") return state.position;
  const elapsed = Math.max(0, serverNowMs - state.updated_at);
  return state.position + (elapsed / 1000) * (state.rate ?? 1);
}

export const DEFAULTS = Object.freeze({
  tickMs: 250, // correction timer (besides every playback_updated)
  startBandMs: 60, // start rate correction when |drift| exceeds this
  stopBandMs: 20, // stop it when |drift| falls below this (hysteresis)
  rateDelta: 0.05, // ±5 % playback rate while correcting
  seekThresholdMs: 1000, // above this, a hard seek instead of a rate change
  acquireSeekThresholdMs: 200, // while (re)starting: above this, a seek (the rate band would take seconds)
  maxAcquireSeeks: 3, // seeks per (re)start before the normal thresholds apply again
});

/**
 * Keeps a player on the room's authoritative playback state.
 *
 * - `update(state, seq)` on every `playback_updated` (events with seq ≤ the last applied one
 *   are ignored, states with a lower `version` too), `reset(state, seq)` after a (re)join.
 * - Every `tickMs` and on each update: drift = player.currentTime − target.
 *   |drift| > seekThresholdMs → seek to the target (plus the measured seek latency);
 *   else when |drift| > startBandMs start nudging playbackRate by ±rateDelta (slower when
 *   ahead, faster when behind) until |drift| < stopBandMs, then back to the state's rate.
 *   The band is hysteretic so the rate does not flap around one threshold.
 * - (Re)starting: the rate band is for drift that builds up while someone watches; ±5 %
 *   closes 0.7 s in 14 s, too slow for a player that has only just started. So whenever local
 *   playback (re)starts — a join or re-join (`reset`), the first play and every play after a
 *   pause, the Start button after an autoplay refusal (`unblock`), the tab becoming visible
 *   again — the player "acquires": while it plays more than acquireSeekThresholdMs off, it
 *   seeks (at most maxAcquireSeeks times); the first correction within that threshold ends
 *   the acquisition and the rate band takes over.
 * - Local play/pause/seek that the sync did not make: for a member, the authoritative state
 *   overrides them at once; for the host (`setController(fn)`), they are turned into a
 *   request (`fn({status, position})`) that the server answers with a new state.
 */
export class PlaybackSync {
  /**
   * @param {import("./index.js").PlayerAdapter | HTMLMediaElement} player a PlayerAdapter, or a media element (wrapped in Html5VideoAdapter)
   * @param {{ serverNow(): number, rttMs: number | null, offsetMs: number }} clock a ClockSync (or anything with its three members)
   * @param {Partial<typeof DEFAULTS> & {onStatus?: (s: object) => void, onAutoplayBlocked?: () => void}} [options]
   */
  constructor(player, clock, options = {}) {
    this.player = asPlayer(player);
    this.clock = clock;
    this.opts = { ...DEFAULTS, ...options };
    this.onStatus = options.onStatus ?? (() => {});
    this.onAutoplayBlocked = options.onAutoplayBlocked ?? (() => {});
    this.state = null;
    this.lastSeq = -1;
    this.correcting = 0; // 0, +1 (ahead: slowing down) or -1 (behind: speeding up)
    this.driftMs = null;
    this.seekLatencyMs = 0; // estimated time a seek takes while playing, compensated for
    this.controller = null; // the host's request function, null for members
    this.autoplayBlocked = false;
    this._timer = null;
    this._startTimer = null;
    this._seekTarget = null; // our own pending seek, to tell it from the user's
    this._seekStartedAt = 0;
    this._heldUntil = 0; // after a local host action: no correction until the server answers
    this._listeners = [];
    this._acquireSeeksLeft = 0; // > 0 while (re)starting: far drift is closed with a seek
  }

  start() {
    const on = (type, fn) => this._listeners.push(this.player.on(type, fn));
    on("play", () => this._onLocalPlayPause("playing"));
    on("pause", () => this._onLocalPlayPause("paused"));
    on("seeking", () => this._onSeeking());
    on("seeked", () => this._onSeeked());
    on("loadedmetadata", () => this.correct());
    const doc = globalThis.document;
    if (doc?.addEventListener) {
      // A hidden tab's timers are throttled and its video may be paused by the browser.
      const onVisibility = () => { if (doc.visibilityState === "visible") this.resume(); };
      doc.addEventListener("visibilitychange", onVisibility);
      this._listeners.push(() => doc.removeEventListener("visibilitychange", onVisibility));
    }
    this._timer = setInterval(() => this.correct(), this.opts.tickMs);
  }

  stop() {
    clearInterval(this._timer);
    clearTimeout(this._startTimer);
    for (const stopListening of this._listeners) stopListening();
    this._listeners = [];
  }

  /** Local playback (re)starts: seek onto the room if it is far off (see the class comment). */
  resume() {
    this._acquireSeeksLeft = this.opts.maxAcquireSeeks;
    this.correct();
  }

  /** True while the player is (re)starting and closes far drift with a seek. */
  get acquiring() {
    return this._acquireSeeksLeft > 0;
  }

  /** The host gives a function that sends `update_playback`; members pass null. */
  setController(requestFn) {
    this.controller = requestFn;
  }

  /** A state from a snapshot (join ack, room_updated): replaces whatever is held. */
  reset(state, seq) {
    this.state = state ? { ...state } : null;
    if (typeof seq === "number") this.lastSeq = seq;
    this._heldUntil = 0;
    this.resume();
  }

  /**
   * A state from `playback_updated` (with its seq) or from an `update_playback` ack (no seq).
   * Returns false when it was ignored as old.
   */
  update(state, seq) {
    if (typeof seq === "number") {
      if (seq <= this.lastSeq) return false;
      this.lastSeq = seq;
    }
    if (!state) return false;
    if (this.state && typeof state.version === "number" && state.version < this.state.version) return false;
    this.state = { ...state };
    this._heldUntil = 0;
    this.correct();
    return true;
  }

  /** The position the player should show now, in seconds (null without a state). */
  target() {
    return this.state ? targetPosition(this.state, this.clock.serverNow()) : null;
  }

  /** Milliseconds until a scheduled start, or 0. */
  startsInMs() {
    if (!this.state || this.state.status !== "playing") return 0;
    return Math.max(0, this.state.updated_at - this.clock.serverNow());
  }

  /** The user clicked "start playback" after the browser refused autoplay. */
  async unblock() {
    this.autoplayBlocked = false;
    await this._play();
    this.resume();
  }

  /** One correction step; safe to call at any time. */
  correct() {
    const v = this.player;
    const s = this.state;
    if (!s || s.status === "idle" || !v.ready) {
      this._report();
      return;
    }
    if (clientNow() < this._heldUntil) {
      this._report();
      return;
    }
    const baseRate = s.rate ?? 1;
    const target = this.target();
    const wantsPlaying = s.status === "playing" && this.startsInMs() === 0;
    const ended = Number.isFinite(v.duration) && target >= v.duration;

    if (!wantsPlaying || ended) {
      // Paused, waiting for a scheduled start, or past the end: hold the frame at the position.
      const hold = ended ? v.duration : target;
      this._setCorrecting(0, baseRate);
      if (!v.paused) this._pause();
      if (Math.abs(v.currentTime - hold) > 0.04 && !v.seeking) this._seek(hold);
      if (s.status === "playing" && !ended) this._scheduleStart();
      this.driftMs = (v.currentTime - hold) * 1000;
      this._report();
      return;
    }

    if (v.paused && !this.autoplayBlocked) this._play();
    if (v.seeking) {
      this._report();
      return;
    }
    const drift = (v.currentTime - target) * 1000; // > 0: ahead of the room
    this.driftMs = drift;
    const abs = Math.abs(drift);
    const acquiring = this.acquiring && !v.paused;
    if (acquiring && abs <= this.opts.acquireSeekThresholdMs) this._acquireSeeksLeft = 0; // on the room: the band's job now
    if (abs > this.opts.seekThresholdMs || (acquiring && abs > this.opts.acquireSeekThresholdMs)) {
      if (acquiring) this._acquireSeeksLeft--;
      this._setCorrecting(0, baseRate);
      this._seek(target + (v.paused ? 0 : this.seekLatencyMs / 1000) * baseRate);
    } else if (this.correcting === 0 && abs > this.opts.startBandMs) {
      this._setCorrecting(Math.sign(drift), baseRate);
    } else if (this.correcting !== 0 && (abs < this.opts.stopBandMs || Math.sign(drift) !== this.correcting)) {
      this._setCorrecting(0, baseRate);
    } else if (this.correcting === 0 && v.playbackRate !== baseRate) {
      v.playbackRate = baseRate;
    }
    this._report();
  }

  _setCorrecting(direction, baseRate) {
    this.correcting = direction;
    const rate = baseRate * (1 - direction * this.opts.rateDelta);
    if (this.player.playbackRate !== rate) this.player.playbackRate = rate;
  }

  _scheduleStart() {
    const wait = this.startsInMs();
    if (wait <= 0 || wait > this.opts.tickMs * 2) return;
    clearTimeout(this._startTimer);
    this._startTimer = setTimeout(() => this.correct(), wait);
  }

  _seek(position) {
    const v = this.player;
    const clamped = Math.max(0, Number.isFinite(v.duration) ? Math.min(position, v.duration) : position);
    this._seekTarget = clamped;
    this._seekStartedAt = clientNow();
    this._seekWhilePlaying = !v.paused;
    v.seek(clamped);
  }

  _play() {
    this._expect = "playing";
    this._acquireSeeksLeft = this.opts.maxAcquireSeeks; // a (re)start of local playback
    const p = this.player.play();
    if (p && p.catch) {
      p.catch(err => {
        if (err && err.name === "NotAllowedError") {
          this.autoplayBlocked = true;
          this.onAutoplayBlocked();
          this._report();
        }
      });
    }
    return p;
  }

  _pause() {
    this._expect = "paused";
    this.player.pause();
  }

  _onLocalPlayPause(status) {
    if (this._expect === status) {
      this._expect = null;
      return; // our own call
    }
    if (!this.state || this.state.status === "idle") return;
    const authoritative = this.state.status === "playing" && this.startsInMs() === 0 ? "playing" : "paused";
    if (status === authoritative) return;
    if (status === "paused" && this.player.ended) return;
    if (this.controller) {
      // The host's own control: ask the server, hold corrections until it answers.
      this._heldUntil = clientNow() + 2000;
      this.controller({ status, position: this.player.currentTime });
    } else {
      // A member's local play/pause: the room's state wins, at once.
      this.correct();
    }
  }

  _onSeeking() {
    const v = this.player;
    if (this._seekTarget !== null && Math.abs(v.currentTime - this._seekTarget) < 0.05) return; // ours
    this._seekTarget = null;
    if (!this.state || this.state.status === "idle") return;
    if (this.controller) {
      clearTimeout(this._seekRequest);
      this._heldUntil = clientNow() + 2000;
      // Scrubbing fires many seeks: send the last one.
      this._seekRequest = setTimeout(() => {
        const status = this.state.status === "playing" ? "playing" : "paused";
        this.controller({ status, position: this.player.currentTime });
      }, 150);
    }
  }

  _onSeeked() {
    if (this._seekTarget !== null && Math.abs(this.player.currentTime - this._seekTarget) < 0.05) {
      if (this._seekWhilePlaying) {
        // How long a seek keeps the video from advancing: aim that far ahead next time.
        const took = clientNow() - this._seekStartedAt;
        this.seekLatencyMs = Math.min(500, this.seekLatencyMs === 0 ? took : 0.7 * this.seekLatencyMs + 0.3 * took);
      }
      this._seekTarget = null;
    } else if (!this.controller) {
      this.correct(); // a member's own seek: back to the room's position
    }
    this.correct();
  }

  _report() {
    this.onStatus({
      driftMs: this.driftMs,
      rttMs: this.clock.rttMs,
      offsetMs: this.clock.offsetMs,
      correcting: this.correcting,
      playbackRate: this.player.playbackRate,
      startsInMs: this.startsInMs(),
      autoplayBlocked: this.autoplayBlocked,
      status: this.state?.status ?? "idle",
    });
  }
}
