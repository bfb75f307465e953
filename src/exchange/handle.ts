import type { Context } from "hono";
import { parseJsonObject, readBodyText } from "../body";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { ADAPTERS } from "../providers/adapters";
import { KNOWN_PROVIDERS } from "../providers/known";
import { listModels, resolveModel } from "../providers/resolve";
import { pipeStream } from "../streaming/pipe";
import { TranslationError } from "../translate/request";
import { inputContentAttributes } from "../telemetry/genai-content";
import { requestAttributes } from "../telemetry/genai-request";
import { responseTap } from "../telemetry/genai-response";
import { callUpstream, DEFAULT_UPSTREAM_TIMEOUT_MS, type Fetcher } from "../upstream";
import type { ClientCodec } from "./types";
import { upstreamErrorResponse } from "./upstream-error";
import { upstreamHeaders } from "./upstream-headers";

const networkFetch: Fetcher = (request) => fetch(request);

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** One model call, whatever the client's API: read, validate, resolve, call the provider, answer. */
export async function handleModelCall<Req>(c: Context<AppEnv>, codec: ClientCodec<Req>): Promise<Response> {
  const config = c.get("config");
  const body = parseJsonObject(await readBodyText(c.req.raw, config.maxBodyBytes));
  const req = codec.validate(body);
  const clientModel = String(body.model);
  const route = resolveModel(config, clientModel);
  if (!route) {
    const available = listModels(config).map((m) => m.id).join(", ");
    throw new GatewayError(404, "not_found", `model "${clientModel}" is not configured; available: ${available}`, "model");
  }
  let plan;
  try {
    plan = codec.plan(req, route, clientModel);
  } catch (err) {
    if (err instanceof TranslationError) throw new GatewayError(400, "invalid_request", err.message, err.param);
    if (err instanceof GatewayError) throw err;
    // Planning is a pure function of the client's body: anything else it trips on is an ill-typed field.
    const target = route.provider.interface === "anthropic" ? "the Anthropic" : "the OpenAI";
    throw new GatewayError(400, "invalid_request", `request could not be translated to ${target} API: a field has the wrong type`);
  }
  const streaming = body.stream === true;
  const { provider } = route;
  const url = provider.baseUrl + ADAPTERS[provider.interface].path;
  const trace = c.get("trace");
  const attributes = requestAttributes(provider.interface, plan.upstreamBody, {
    providerName: provider.otelName,
    url,
    streaming,
  });
  if (trace.captureContent) Object.assign(attributes, inputContentAttributes(provider.interface, plan.upstreamBody));
  const exchange = await callUpstream({
    url,
    headers: upstreamHeaders(provider, codec.format, c.req.raw.headers, c.env, streaming),
    body: JSON.stringify(plan.upstreamBody),
    clientSignal: c.req.raw.signal,
    timeoutMs: provider.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
    send: KNOWN_PROVIDERS[provider.provider]?.serve ?? networkFetch,
    trace,
    call: {
      name: `chat ${route.upstreamModel}`,
      attributes,
      propagate: provider.propagateTraceContext,
      observer: responseTap(provider.interface, { captureContent: trace.captureContent }),
    },
  });
  const upstream = exchange.response;
  const headers = { "x-tracegate-model": route.resolvedModel };
  const contentType = upstream.headers.get("content-type");
  if (upstream.ok && streaming && contentType?.includes("text/event-stream")) {
    return new Response(pipeStream(exchange, plan.stream()), { headers: { ...SSE_HEADERS, ...headers } });
  }
  let text: string;
  try {
    text = await upstream.text();
  } catch {
    const err = exchange.bodyError();
    exchange.settle({ kind: "error", error: err });
    throw err;
  }
  if (!upstream.ok) {
    exchange.settle({ kind: "complete" });
    const res = upstreamErrorResponse(codec.format, route.provider.interface, upstream.status, text, contentType);
    res.headers.set("x-tracegate-model", route.resolvedModel);
    return res;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const err = new GatewayError(502, "upstream_error", "provider returned a response that is not JSON");
    exchange.settle({ kind: "error", error: err });
    throw err;
  }
  exchange.settle({ kind: "complete", json });
  return Response.json(plan.response(json), { headers });
}
