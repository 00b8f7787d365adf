// Unit tests of the sync engine (src/sync.js), no browser: a fake clock, a fake sync_time server
// and a fake <video> element, driven through the included Html5VideoAdapter.
import test from "node:test";
import assert from "node:assert/strict";
import { ClockSync, PlaybackSync, targetPosition } from "../src/sync.js";

/** A clock whose reading the test moves; `performance.now()` is replaced for the module. */
let now = 1_000_000;
const realNow = performance.now.bind(performance);
performance.now = () => now - performance.timeOrigin;
test.after(() => { performance.now = realNow; });

/** A <video> that only records what the sync does; time moves when the test says so. */
class FakeVideo {
  constructor() {
    this.currentTime = 0;
    this.duration = 100;
    this.paused = true;
    this.playbackRate = 1;
    this.readyState = 4;
    this.currentSrc = "http://video.test/a.webm";
    this.seeking = false;
    this.ended = false;
    this.listeners = {};
    this.seeks = [];
  }
  addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
  removeEventListener() {}
  emit(type) { for (const fn of this.listeners[type] ?? []) fn(); }
  play() { this.paused = false; this.emit("play"); return Promise.resolve(); }
  pause() { this.paused = true; this.emit("pause"); }
  advance(ms) { if (!this.paused) this.currentTime += (ms / 1000) * this.playbackRate; }
}

function videoWithSeeks() {
  const v = new FakeVideo();
  let t = 0;
  Object.defineProperty(v, "currentTime", {
    get: () => t,
    set: value => { t = value; v.seeks.push(value); },
  });
  v.advance = ms => { if (!v.paused) t += (ms / 1000) * v.playbackRate; };
  return v;
}

/** A clock fixed at a known offset (server = client + offset). */
const fixedClock = (offset = 0, rtt = 10) => ({ serverNow: () => now + offset, rttMs: rtt, offsetMs: offset });

const syncs = [];
function newSync(video, clock = fixedClock()) {
  const sync = new PlaybackSync(video, clock, { tickMs: 1e9 }); // the test calls correct() itself
  sync.start();
  syncs.push(sync);
  return sync;
}
test.afterEach(() => { for (const s of syncs.splice(0)) s.stop(); });

test("targetPosition extrapolates while playing and holds a scheduled start", () => {
  const state = { status: "playing", position: 10, rate: 2, updated_at: 5000 };
  assert.equal(targetPosition(state, 6000), 12);
  assert.equal(targetPosition(state, 4000), 10, "a future updated_at holds the position");
  assert.equal(targetPosition({ ...state, status: "paused" }, 9000), 10);
});

test("ClockSync keeps the sample with the smallest round trip of the last 8", async () => {
  const serverOffset = 5000; // the server's clock is 5 s ahead
  const trips = [[40, 10], [5, 5], [60, 2], [30, 30], [8, 2], [50, 50], [20, 20], [25, 25]]; // [to server, back] in ms
  let i = 0;
  const sent = [];
  const clock = new ClockSync(async payload => {
    sent.push(payload);
    const [up, down] = trips[i++ % trips.length];
    now += up;
    const r = now + serverOffset;
    now += 1; // server processing
    const s = now + serverOffset;
    now += down;
    return { ok: true, client_time: payload.client_time, server_receive_at: r, server_send_at: s };
  });
  for (let k = 0; k < 8; k++) await clock.sample();
  assert.equal(clock.samples.length, 8);
  assert.equal(clock.rttMs, 10, "the 5+5 ms exchange has the smallest round trip");
  assert.equal(clock.offsetMs, serverOffset, "a symmetric exchange gives the exact offset");
  assert.equal(sent[0].rtt_ms, undefined);
  assert.equal(sent[1].rtt_ms, 50, "each request carries the previous exchange's rtt");
  for (let k = 0; k < 8; k++) await clock.sample();
  assert.equal(clock.samples.length, 8, "only the last 8 are kept");
  assert.ok(Math.abs(clock.serverNow() - (now + serverOffset)) < 1e-6);
});

test("PlaybackSync ignores events with an old seq and states with an old version", () => {
  const v = videoWithSeeks();
  const sync = newSync(v);
  assert.ok(sync.update({ status: "paused", position: 5, rate: 1, updated_at: now, version: 3 }, 10));
  assert.equal(sync.update({ status: "paused", position: 9, rate: 1, updated_at: now, version: 4 }, 10), false, "same seq");
  assert.equal(sync.update({ status: "paused", position: 9, rate: 1, updated_at: now, version: 2 }), false, "older version");
  assert.equal(sync.state.position, 5);
  assert.equal(v.currentTime, 5, "paused: the video is put on the position");
});

test("drift: rate band starts above 60 ms, stops below 20 ms; a seek above 1 s", () => {
  const v = videoWithSeeks();
  const sync = newSync(v);
  sync.update({ status: "playing", position: 0, rate: 1, updated_at: now, version: 1 }, 1);
  assert.equal(v.paused, false);
  const step = (ms, videoMs = ms) => { now += ms; v.advance(videoMs); sync.correct(); };

  // 50 ms ahead: inside the band, nothing changes.
  v.currentTime = sync.target() + 0.05;
  sync.correct();
  assert.equal(v.playbackRate, 1);
  // 80 ms ahead: slow down by 5 %.
  v.currentTime = sync.target() + 0.08;
  sync.correct();
  assert.equal(v.playbackRate, 0.95);
  // Converges at 50 ms per second: still correcting at 40 ms (hysteresis), released under 20 ms.
  step(800);
  assert.ok(Math.abs(sync.driftMs - 40) < 1, `drift ${sync.driftMs}`);
  assert.equal(v.playbackRate, 0.95);
  step(500);
  assert.ok(sync.driftMs < 20, `drift ${sync.driftMs}`);
  assert.equal(v.playbackRate, 1);
  // 300 ms behind: speed up.
  v.currentTime = sync.target() - 0.3;
  sync.correct();
  assert.equal(v.playbackRate, 1.05);
  // 2 s behind: hard seek to the target, rate back to normal.
  v.seeks.length = 0;
  v.currentTime = sync.target() - 2;
  v.seeks.length = 0;
  sync.correct();
  assert.equal(v.seeks.length, 1);
  assert.ok(Math.abs(v.seeks[0] - sync.target()) < 0.001);
  assert.equal(v.playbackRate, 1);
});

test("a scheduled start holds the position, paused, until updated_at", () => {
  const v = videoWithSeeks();
  const sync = newSync(v);
  sync.update({ status: "playing", position: 30, rate: 1, updated_at: now + 400, version: 1 }, 1);
  assert.equal(v.paused, true);
  assert.equal(v.currentTime, 30);
  assert.ok(sync.startsInMs() > 0);
  now += 400;
  sync.correct();
  assert.equal(v.paused, false, "starts at updated_at");
});

test("a member's own play is overridden; the host's becomes a request", () => {
  const v = videoWithSeeks();
  const sync = newSync(v);
  sync.update({ status: "paused", position: 12, rate: 1, updated_at: now, version: 1 }, 1);
  v.paused = false;
  v.emit("play"); // the member pressed play in the native controls
  assert.equal(v.paused, true, "paused again by the room's state");

  const requests = [];
  sync.setController(r => requests.push(r));
  v.paused = false;
  v.emit("play"); // the host pressed play
  assert.deepEqual(requests, [{ status: "playing", position: 12 }]);
});

test("past the end of the video: paused on the last frame, no seek loop", () => {
  const v = videoWithSeeks();
  v.duration = 20;
  const sync = newSync(v);
  sync.update({ status: "playing", position: 19.5, rate: 1, updated_at: now - 5000, version: 1 }, 1);
  sync.correct();
  sync.correct();
  assert.equal(v.paused, true);
  assert.equal(v.currentTime, 20);
  assert.deepEqual(v.seeks, [20], "one seek to the end, not one per tick");
});

test("after an autoplay refusal, Start seeks onto the room instead of creeping there with the rate band", async () => {
  const v = videoWithSeeks();
  let allowed = false;
  v.play = () => {
    if (!allowed) return Promise.reject(new DOMException("play() needs a user gesture", "NotAllowedError"));
    v.paused = false;
    v.emit("play");
    return Promise.resolve();
  };
  const sync = newSync(v);
  sync.update({ status: "playing", position: 0, rate: 1, updated_at: now, version: 1 }, 1);
  await Promise.resolve(); // the refusal arrives
  assert.equal(sync.autoplayBlocked, true);
  now += 700; // the person reads the page for a moment, then presses Start
  sync.correct();
  assert.equal(v.paused, true);
  assert.deepEqual(v.seeks, [], "0.7 s off while paused: no seek yet");
  allowed = true;
  await sync.unblock();
  assert.equal(v.paused, false);
  assert.equal(v.seeks.length, 1, "0.7 s off when playback starts: one seek");
  assert.ok(Math.abs(v.seeks[0] - sync.target()) < 0.001, `seeked to ${v.seeks[0]}, target ${sync.target()}`);
  assert.equal(v.playbackRate, 1, "no rate correction");
  v.emit("seeked");
  assert.equal(sync.acquiring, false, "on the room after the seek: the rate band's job from now on");
});

test("a re-join or a tab that becomes visible again seeks when far off; the same drift while watching uses the rate band", () => {
  const doc = new EventTarget();
  doc.visibilityState = "visible";
  globalThis.document = doc;
  try {
    const v = videoWithSeeks();
    const sync = newSync(v);
    const state = { status: "playing", position: 0, rate: 1, updated_at: now, version: 1 };
    sync.update(state, 1);
    assert.equal(sync.acquiring, false, "started on the room");

    // While watching, 400 ms behind: the rate band.
    now += 400;
    sync.correct();
    assert.deepEqual(v.seeks, []);
    assert.equal(v.playbackRate, 1.05);

    // Back in a hidden tab (the browser paused it) that becomes visible: a seek.
    doc.visibilityState = "visible";
    doc.dispatchEvent(new Event("visibilitychange"));
    assert.equal(v.seeks.length, 1);
    assert.ok(Math.abs(v.seeks[0] - sync.target()) < 0.001);
    assert.equal(v.playbackRate, 1);
    v.emit("seeked");

    // A reconnect's re-join snapshot, 300 ms behind: a seek too.
    now += 300;
    v.seeks.length = 0;
    sync.reset({ ...state }, 5);
    assert.equal(v.seeks.length, 1);
    v.emit("seeked");

    // Within the acquisition threshold: no seek, the rate band.
    now += 150;
    v.seeks.length = 0;
    sync.reset({ ...state }, 6);
    assert.deepEqual(v.seeks, []);
    assert.equal(v.playbackRate, 1.05);
    assert.equal(sync.acquiring, false);
  } finally {
    delete globalThis.document;
  }
});

test("a (re)start that cannot land on the room stops seeking after maxAcquireSeeks", () => {
  const v = videoWithSeeks();
  const sync = newSync(v);
  // Joins 500 ms behind, and every seek takes 800 ms (a slow source), more than the seek-latency
  // compensation allows for (500 ms), so each lands 300 ms behind: three tries, then the rate band.
  sync.update({ status: "playing", position: 0, rate: 1, updated_at: now - 500, version: 1 }, 1);
  for (let i = 0; i < 3; i++) {
    now += 800;
    v.emit("seeked");
  }
  assert.equal(v.seeks.length, 3, `seeks ${v.seeks}, now ${now}`);
  assert.equal(v.playbackRate, 1.05);
});

test("ClockSync.restart keeps the old offset until the first new sample replaces the window", async () => {
  let serverOffset = 5000;
  const clock = new ClockSync(async payload => {
    const r = now + serverOffset;
    return { ok: true, client_time: payload.client_time, server_receive_at: r, server_send_at: r };
  }, { burst: 0, intervalMs: 1e9 });
  try {
    await clock.sample();
    await clock.sample();
    assert.equal(clock.offsetMs, 5000);
    clock.restart();
    assert.equal(clock.offsetMs, 5000, "no zero offset between the restart and the first new sample");
    serverOffset = 7000; // another server behind the reconnect
    await clock.sample();
    assert.equal(clock.samples.length, 1);
    assert.equal(clock.offsetMs, 7000);
  } finally {
    clock.stop();
  }
});
