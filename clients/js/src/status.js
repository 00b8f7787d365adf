// Tells the room what the player is doing (`report_status`): the server's wait-for-buffering,
// per-member sync health and queue auto-advance all run on these reports.
import { asPlayer } from "./html5-video.js";

export const STATUS_DEFAULTS = Object.freeze({
  // A stall must last this long before it is reported: a seek's own short wait for data would
  // otherwise make the whole room wait and restart for every correction.
  stallDebounceMs: 500,
  // The current state (with the position) is repeated this often, so the server keeps each
  // member's drift current; 0 turns the repetition off. `ended` is never repeated.
  heartbeatMs: 5000,
});

/**
 * Watches a player and reports its state through `send(state, position)`:
 * - `buffering` when it stalls while playing (`waiting`, or `stalled` without enough data) for
 *   longer than `stallDebounceMs`;
 * - `ready` when it can play (the first time, and after each buffering);
 * - `ended` when it reaches the end.
 * RoomClient.reportStatus is the usual `send`; it adds the room and the measured `rtt_ms`.
 */
export class PlayerStatusReporter {
  /**
   * @param {import("./index.js").PlayerAdapter | HTMLMediaElement} player
   * @param {(state: "buffering" | "ready" | "ended", position: number) => unknown} send
   * @param {Partial<typeof STATUS_DEFAULTS>} [options]
   */
  constructor(player, send, options = {}) {
    this.player = asPlayer(player);
    this.send = send;
    this.opts = { ...STATUS_DEFAULTS, ...options };
    /** The last state sent, or null before the first report. */
    this.state = null;
    this._stallTimer = null;
    this._heartbeat = null;
    this._stops = [];
  }

  start() {
    const on = (type, fn) => this._stops.push(this.player.on(type, fn));
    on("waiting", () => this._stalled());
    on("stalled", () => { if (!this.player.canPlay) this._stalled(); });
    for (const type of ["canplay", "canplaythrough", "playing"]) on(type, () => this._canPlay());
    on("ended", () => this._report("ended"));
    // A new source or a seek back from the end: the next "can play" is reported again.
    on("emptied", () => { clearTimeout(this._stallTimer); this.state = null; });
    on("seeking", () => { if (this.state === "ended") this.state = null; });
    if (this.opts.heartbeatMs > 0) {
      this._heartbeat = setInterval(() => {
        if (this.state === "ready" || this.state === "buffering") this._send(this.state);
      }, this.opts.heartbeatMs);
    }
    if (this.player.ready && this.player.canPlay) this._canPlay();
  }

  stop() {
    clearTimeout(this._stallTimer);
    clearInterval(this._heartbeat);
    for (const stopListening of this._stops.splice(0)) stopListening();
  }

  _stalled() {
    clearTimeout(this._stallTimer);
    this._stallTimer = setTimeout(() => {
      // Still short of data, and still trying to play (a held player is not stalling the room).
      if (!this.player.canPlay && !this.player.paused) this._report("buffering");
    }, this.opts.stallDebounceMs);
  }

  _canPlay() {
    clearTimeout(this._stallTimer);
    if (this.state === null || this.state === "buffering") this._report("ready");
  }

  _report(state) {
    clearTimeout(this._stallTimer);
    if (state === this.state) return;
    this.state = state;
    this._send(state);
  }

  _send(state) {
    try {
      const result = this.send(state, this.player.currentTime);
      result?.catch?.(() => {}); // a report that could not be sent is replaced by the next one
    } catch {
      // as above
    }
  }
}
