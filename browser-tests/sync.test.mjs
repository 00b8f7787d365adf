// Unit tests of the reference sync module (CinemaSync.Web/wwwroot/js/sync.js), no browser:
// a fake clock, a fake sync_time server and a fake <video>. `node --test sync.test.mjs`
// (run by the xunit test CinemaSync.Tests/Browser/SyncModuleTests.cs).
import test from "node:test";
import assert from "node:assert/strict";

globalThis.HTMLMediaElement ??= { HAVE_METADATA: 1 };
const { ClockSync, PlaybackSync, targetPosition } = await import("../CinemaSync.Web/wwwroot/js/sync.js");

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
