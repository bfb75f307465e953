import { Hono } from "hono";
import { authMiddleware } from "./middleware/auth";
import { configMiddleware } from "./middleware/config";
import { corsMiddleware } from "./middleware/cors";
import type { AppEnv } from "./env";
import { asGatewayError, errorResponse, GatewayError, type ApiFormat } from "./errors";
import { chatCompletions } from "./routes/chat-completions";
import { embeddings } from "./routes/embeddings";
import { health } from "./routes/health";
import { messages } from "./routes/messages";
import { models } from "./routes/models";
import { responses } from "./routes/responses";
import { tracing } from "./middleware/tracing";
import { registerTelemetry } from "./telemetry/sdk/register";

/** The route's own API decides the error envelope: Anthropic's on /v1/messages, OpenAI's elsewhere. */
function formatOf(path: string): ApiFormat {
  return path.startsWith("/v1/messages") ? "anthropic" : "openai";
}

export const app = new Hono<AppEnv>();

app.route("/healthz", health);
app.use("*", configMiddleware);
app.use("*", corsMiddleware);
// Auth before tracing: an unauthenticated request cannot make the gateway record (and buffer) spans, whatever its
// traceparent says; only the API routes are traced (404s elsewhere are not).
app.use("/v1/*", authMiddleware);
app.use("/v1/*", tracing(registerTelemetry()));
app.route("/v1/chat/completions", chatCompletions);
app.route("/v1/messages", messages);
app.route("/v1/embeddings", embeddings);
app.route("/v1/models", models);
app.route("/v1/responses", responses);

app.notFound((c) =>
  errorResponse(formatOf(c.req.path), GatewayError.notFound(`no route for ${c.req.method} ${c.req.path}`)),
);

app.onError((err, c) => {
  const error = asGatewayError(err);
  if (error.status >= 500 && !(err instanceof GatewayError)) console.error("tracegate: unhandled error", err);
  return errorResponse(formatOf(c.req.path), error);
});
