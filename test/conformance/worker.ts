import { app } from "../../src/app";
import { conformance } from "./route";

export { RateLimiter, ResponsesStore } from "../../src/index";

// The test Worker: the production app (same middlewares, tracing and upstream call) plus the W3C trace-context
// suite's route. Mounted here at load, before the first request builds Hono's router; a route added after the
// production routes still runs behind their middlewares: under /v1/ that is config, CORS, client auth and tracing. Never deployed: see
// test/conformance/wrangler.toml and docs/tracing.md ("Checking propagation with the W3C test suite").
app.route("/v1/_conformance", conformance);

export default app;
