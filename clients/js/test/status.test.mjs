// PlayerStatusReporter: buffering on a stall that lasts, ready when the player can play, ended once.
import test from "node:test";
import assert from "node:assert/strict";
import { PlayerStatusReporter } from "../src/index.js";

/** A player adapter whose data state the test sets. */
class FakePlayer {
  constructor() {
    this.currentTime = 7.5;
    this.paused = false;
    this.canPlay = false;
    this.ready = true;
    this.listeners = new Map();
  }
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }
  emit(type) { for (const fn of this.listeners.get(type) ?? []) fn(); }
  seek(t) { this.currentTime = t; }
  play() { this.paused = false; }
  pause() { this.paused = true; }
}

const wait = ms => new Promise(r => setTimeout(r, ms));

function reporter(player, options = {}) {
  const sent = [];
  const r = new PlayerStatusReporter(player, (state, position) => sent.push([state, position]), { stallDebounceMs: 20, heartbeatMs: 0, ...options });
  r.start();
  return { r, sent };
}

test("a stall that lasts is reported as buffering with the position, then ready when the player can play again", async () => {
  const p = new FakePlayer();
  const { r, sent } = reporter(p);
  p.canPlay = true;
  p.emit("canplay");
  assert.deepEqual(sent, [["ready", 7.5]], "the first time it can play");
  p.canPlay = false;
  p.emit("waiting");
  await wait(40);
  assert.deepEqual(sent.at(-1), ["buffering", 7.5]);
  p.emit("stalled");
  await wait(40);
  assert.equal(sent.length, 2, "buffering once");
  p.canPlay = true;
  p.emit("canplaythrough");
  p.emit("playing");
  assert.deepEqual(sent.map(([s]) => s), ["ready", "buffering", "ready"]);
  r.stop();
});

test("a short wait (a seek finding its data at once) is not reported, nor a stall of a held player", async () => {
  const p = new FakePlayer();
  p.canPlay = true;
  const { r, sent } = reporter(p); // can play at start: ready at once
  assert.deepEqual(sent.map(([s]) => s), ["ready"]);
  p.canPlay = false;
  p.emit("waiting");
  await wait(5);
  p.canPlay = true;
  p.emit("canplay");
  await wait(40);
  p.paused = true; // held by the sync engine (paused, waiting for a scheduled start)
  p.canPlay = false;
  p.emit("stalled");
  await wait(40);
  assert.deepEqual(sent.map(([s]) => s), ["ready"]);
  r.stop();
});

test("ended is sent once, and after a seek back the player reports ready again", () => {
  const p = new FakePlayer();
  p.canPlay = true;
  const { r, sent } = reporter(p);
  p.emit("ended");
  p.emit("ended");
  assert.deepEqual(sent.map(([s]) => s), ["ready", "ended"]);
  p.emit("seeking");
  p.emit("canplay");
  assert.deepEqual(sent.map(([s]) => s), ["ready", "ended", "ready"]);
  r.stop();
  p.emit("ended");
  assert.equal(sent.length, 3, "stopped: no more reports");
});

test("the heartbeat repeats ready or buffering with the current position, never ended", async () => {
  const p = new FakePlayer();
  p.canPlay = true;
  const { r, sent } = reporter(p, { heartbeatMs: 15 });
  p.currentTime = 9;
  await wait(40);
  assert.ok(sent.length >= 2, `sent ${JSON.stringify(sent)}`);
  assert.deepEqual(sent.at(-1), ["ready", 9]);
  p.emit("ended");
  const after = sent.length;
  await wait(40);
  assert.equal(sent.length, after);
  r.stop();
});

test("a send that fails is dropped (the next report replaces it)", async () => {
  const p = new FakePlayer();
  p.canPlay = true;
  const r = new PlayerStatusReporter(p, () => Promise.reject(new Error("offline")), { heartbeatMs: 0 });
  r.start();
  assert.equal(r.state, "ready");
  r.stop();
});
