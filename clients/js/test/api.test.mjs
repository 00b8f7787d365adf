// The REST calls over a fake fetch: paths, bodies, the token, and problem details as ApiError.
import test from "node:test";
import assert from "node:assert/strict";
import { Api, ApiError, ERROR_CODES, ERROR_MESSAGES, describeError } from "../src/index.js";

function fakeFetch(answer) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, ...init, body: init.body === undefined ? undefined : JSON.parse(init.body) });
    const { status = 200, body } = typeof answer === "function" ? answer(url) : answer;
    return { status, ok: status >= 200 && status < 300, text: async () => (body === undefined ? "" : JSON.stringify(body)) };
  };
  return { fetch, calls };
}

test("calls carry the token from an async factory, JSON bodies and encoded paths", async () => {
  const f = fakeFetch({ body: { invite: "abc" } });
  const api = new Api({ baseUrl: "http://server.test/", accessTokenFactory: async () => "tok", fetch: f.fetch });
  await api.createInvite("a/b", { expiresInMinutes: 30 });
  await api.searchMovies("O'Brien", { pageSize: 10 });
  await api.driveVideos();
  assert.equal(f.calls[0].url, "http://server.test/api/rooms/a%2Fb/invites");
  assert.equal(f.calls[0].method, "POST");
  assert.deepEqual(f.calls[0].body, { expires_in_minutes: 30 });
  assert.equal(f.calls[0].headers.authorization, "Bearer tok");
  assert.equal(f.calls[1].url, "http://server.test/api/movies/search?q=O%27Brien&page_size=10");
  assert.equal(f.calls[2].url, "http://server.test/api/google/drive/videos");
});

test("a problem answer becomes an ApiError with the code and the table's sentence; 204 is null", async () => {
  const api = new Api({ fetch: fakeFetch({ status: 403, body: { error: "invalid_password", title: "Forbidden" } }).fetch });
  await assert.rejects(api.joinRoom("r", "x"), err => err instanceof ApiError && err.status === 403 && err.code === "invalid_password"
    && err.message === ERROR_MESSAGES.invalid_password);
  const anonymous401 = new Api({ fetch: fakeFetch({ status: 401 }).fetch });
  await assert.rejects(anonymous401.me(), err => err.code === "unauthorized");
  const none = new Api({ fetch: fakeFetch({ status: 204 }).fetch });
  assert.equal(await none.leaveRoom("r"), null);
  const down = new Api({ fetch: async () => { throw new TypeError("fetch failed"); } });
  await assert.rejects(down.config(), err => err.status === 0 && /cannot be reached/.test(err.message));
});

test("every error code has a sentence; invalid_payload adds the server's detail", () => {
  assert.ok(ERROR_CODES.length >= 20);
  for (const code of ERROR_CODES) assert.ok(ERROR_MESSAGES[code].endsWith("."), code);
  assert.equal(describeError({ error: "invalid_payload", message: "text: too long" }), `${ERROR_MESSAGES.invalid_payload} (text: too long)`);
  assert.equal(describeError({ error: "brand_new_code" }), "Something went wrong (brand_new_code).");
  assert.equal(describeError(null), "Something went wrong. Try again.");
});
