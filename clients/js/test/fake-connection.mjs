// A stand-in for @microsoft/signalr's HubConnection: records invocations, answers them from a
// table, and lets a test push server events and connection drops. Not a wire fake: the client's
// wire behaviour is tested against the real server (live/server.mjs).
export class FakeConnection {
  static count = 0;

  constructor() {
    this.state = "Disconnected";
    this.connectionId = null;
    this.handlers = new Map();
    this.calls = [];
    this.answers = {};
    this.starts = 0;
    this.failStarts = 0; // the next N start() calls throw
  }

  on(name, fn) {
    if (!this.handlers.has(name)) this.handlers.set(name, []);
    this.handlers.get(name).push(fn);
  }
  onreconnecting(fn) { this._onReconnecting = fn; }
  onreconnected(fn) { this._onReconnected = fn; }
  onclose(fn) { this._onClose = fn; }

  async start() {
    this.starts++;
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error("negotiation refused");
    }
    this.state = "Connected";
    this.connectionId = `conn-${++FakeConnection.count}`;
  }

  async stop() {
    if (this.state === "Disconnected") return;
    this.state = "Disconnected";
    await this._onClose?.(undefined);
  }

  async invoke(method, payload) {
    this.calls.push([method, payload]);
    const answer = this.answers[method];
    return typeof answer === "function" ? answer(payload) : answer ?? { ok: true };
  }

  /** The server sends an event to this connection. */
  emit(name, payload) {
    for (const fn of this.handlers.get(name) ?? []) fn(payload);
  }

  /** The transport drops and SignalR's automatic reconnect brings it back (a new connection id). */
  async dropAndReconnect() {
    this.state = "Reconnecting";
    this._onReconnecting?.(new Error("WebSocket closed"));
    this.state = "Connected";
    this.connectionId = `conn-${++FakeConnection.count}`;
    await this._onReconnected?.(this.connectionId);
  }

  /** SignalR gave up (or the server closed the connection). */
  async close(error = new Error("closed by the server")) {
    this.state = "Disconnected";
    await this._onClose?.(error);
  }

  callsOf(method) {
    return this.calls.filter(([m]) => m === method).map(([, p]) => p);
  }
}
