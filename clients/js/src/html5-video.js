// The player adapter for an HTML5 <video> (or <audio>) element.

// HTMLMediaElement.readyState values, written out so that the module also loads where there is no DOM.
const HAVE_METADATA = 1;
const HAVE_FUTURE_DATA = 3;

/**
 * A PlayerAdapter (see index.d.ts) over a media element: what PlaybackSync and
 * PlayerStatusReporter need from a player, nothing more.
 */
export class Html5VideoAdapter {
  /** @param {HTMLMediaElement} element */
  constructor(element) {
    this.element = element;
  }

  get currentTime() { return this.element.currentTime; }
  get duration() { return this.element.duration; }
  get paused() { return this.element.paused; }
  get seeking() { return this.element.seeking; }
  get ended() { return this.element.ended; }
  get playbackRate() { return this.element.playbackRate; }
  set playbackRate(rate) { this.element.playbackRate = rate; }
  /** A source is loaded and its duration and size are known: positions can be set. */
  get ready() { return !!this.element.currentSrc && this.element.readyState >= HAVE_METADATA; }
  /** Enough data to play from the current position now (not stalled). */
  get canPlay() { return this.element.readyState >= HAVE_FUTURE_DATA; }

  seek(seconds) { this.element.currentTime = seconds; }
  play() { return this.element.play(); }
  pause() { this.element.pause(); }

  /** Listens to one of the element's media events; returns the function that stops listening. */
  on(type, listener) {
    this.element.addEventListener(type, listener);
    return () => this.element.removeEventListener(type, listener);
  }
}

/** `player` as a PlayerAdapter: adapters pass through, media elements are wrapped. */
export function asPlayer(player) {
  if (player && typeof player.seek === "function" && typeof player.on === "function") return player;
  if (player && typeof player.addEventListener === "function" && "currentTime" in player) return new Html5VideoAdapter(player);
  throw new TypeError("Expected a PlayerAdapter (seek, on, play, pause, ...) or an HTML media element.");
}
