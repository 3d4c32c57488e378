/**
 * Workaround for lost notebook messages in tslab 1.0.22 on zeromq 6 (applied when the library loads).
 *
 * tslab sends every output (stream text, display_data, update_display_data, the "idle" status) with
 * `iopub.send(...)` and never awaits it. zeromq 6 sends synchronously only 512 times in a row on a socket;
 * the 513th send is deferred to the next event-loop turn, and any send before that turn throws
 * "Socket is busy writing" (the counter is reset only by a deferred send). So once every 512 messages,
 * a burst (a log line followed by a progress update, or a cell's last output followed by tslab's idle
 * status) loses a message: in a user's cell the exception surfaces in console.log or a display call;
 * in tslab's own status send it is lost, and a headless runner waiting for "idle" hangs until its
 * cell timeout. A training loop updating a progress line hits this within minutes.
 *
 * A publisher socket with sendTimeout 0 always sends synchronously (zeromq.js skips the deferral), and a
 * PUB socket never blocks, so setting it on tslab's iopub socket removes the failure without changing
 * what is delivered. Outside a tslab kernel this does nothing.
 */

interface ZmqModule {
  Publisher: { prototype: object };
}
type Send = (this: { sendTimeout?: number }, ...args: unknown[]) => unknown;
const MARK = Symbol.for("cs231n.tslabIopubFix");

/** Makes every zeromq Publisher in this process send synchronously; true if zeromq was loaded. */
export function fixTslabIopub(): boolean {
  let fixed = false;
  for (const key of Object.keys(require.cache)) {
    if (!/[\\/]zeromq[\\/]lib[\\/]index\.js$/.test(key)) continue;
    const zmq = require.cache[key]?.exports as Partial<ZmqModule> | undefined;
    if (!zmq?.Publisher) continue;
    const Publisher = zmq.Publisher;
    // `send` is a read-only method of the native Socket class; shadow it on Publisher's own prototype
    const proto = Publisher.prototype as Record<string | symbol, unknown>;
    if (proto[MARK]) {
      fixed = true;
      continue;
    }
    const send = (proto as { send?: Send }).send;
    if (typeof send !== "function") continue;
    Object.defineProperty(proto, "send", {
      configurable: true,
      writable: true,
      value: function (this: { sendTimeout?: number }, ...args: unknown[]): unknown {
        if (this.sendTimeout !== 0) this.sendTimeout = 0;
        return send.apply(this, args);
      },
    });
    Object.defineProperty(proto, MARK, { value: true });
    fixed = true;
  }
  return fixed;
}

fixTslabIopub();
