// Preloaded into the Portkey gateway process (node --import ./portkey-preload.mjs).
//
// 1. A server that asks for a port without a host would listen on every interface; listen on 127.0.0.1 only.

import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (first && typeof first === "object" && !("fd" in first) && !("path" in first) && !first.host) {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};

// 2. Portkey 1.15.2 on Node appends x-portkey-* headers to the upstream fetch Response it passes through for streamed
// chat completions; Node's fetch Response headers are immutable, so every stream fails with "TypeError: immutable"
// (Portkey-AI/gateway#1389, #1550). Re-wrapping the upstream Response (same body stream, status and headers, no copy
// of the body) makes its headers mutable, as on workerd. Cost: one Response object per upstream call.
const upstreamFetch = globalThis.fetch;
globalThis.fetch = async function (input, init) {
  const res = await upstreamFetch(input, init);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
};
