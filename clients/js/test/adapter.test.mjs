// The sync engine drives any player through the adapter interface, not only a <video>.
import test from "node:test";
import assert from "node:assert/strict";
import { Html5VideoAdapter, PlaybackSync, asPlayer } from "../src/index.js";

/** A player that is not a media element (a TV SDK, a native bridge): its own clock and calls. */
class ScriptedPlayer {
  constructor() {
    this.currentTime = 0;
    this.duration = 60;
    this.paused = true;
    this.seeking = false;
    this.ended = false;
    this.playbackRate = 1;
    this.ready = true;
    this.canPlay = true;
    this.log = [];
    this.listeners = new Map();
  }
  seek(t) { this.log.push(["seek", t]); this.currentTime = t; }
  play() { this.log.push(["play"]); this.paused = false; return Promise.resolve(); }
  pause() { this.log.push(["pause"]); this.paused = true; }
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }
}

const clock = now => ({ serverNow: () => now.value, rttMs: 5, offsetMs: 0 });

test("a non-DOM player is held, started at the scheduled time and seeked onto the room", () => {
  const now = { value: 10_000 };
  const player = new ScriptedPlayer();
  const sync = new PlaybackSync(player, clock(now), { tickMs: 1e6 });
  sync.start();
  try {
    sync.update({ status: "playing", position: 20, rate: 1, updated_at: 10_300, version: 1 }, 1);
    assert.deepEqual(player.log, [["seek", 20]], "held at the position until the scheduled start");
    now.value = 10_300;
    sync.correct();
    assert.deepEqual(player.log.at(-1), ["play"]);
    now.value = 12_300; // 2 s later the player is still at 20: far off, a seek
    sync.correct();
    assert.equal(player.log.at(-1)[0], "seek");
    assert.ok(Math.abs(player.log.at(-1)[1] - 22) < 0.001);
    sync.update({ status: "waiting", position: 22, rate: 1, updated_at: 12_300, version: 2 }, 2);
    assert.deepEqual(player.log.at(-1), ["pause"], "a waiting room holds");
  } finally {
    sync.stop();
  }
  assert.equal([...player.listeners.values()].every(set => set.size === 0), true, "stop() removes its listeners");
});

test("asPlayer wraps media elements and passes adapters through", () => {
  const element = { currentTime: 3, readyState: 4, currentSrc: "x", addEventListener() {}, removeEventListener() {} };
  const wrapped = asPlayer(element);
  assert.ok(wrapped instanceof Html5VideoAdapter);
  assert.equal(wrapped.ready, true);
  assert.equal(wrapped.canPlay, true);
  wrapped.seek(9);
  assert.equal(element.currentTime, 9);
  const player = new ScriptedPlayer();
  assert.equal(asPlayer(player), player);
  assert.throws(() => asPlayer({}), TypeError);
});
