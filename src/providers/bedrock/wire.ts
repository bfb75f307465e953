import type { ProviderConfig } from "../../config/types";
import { resolveSecret } from "../../config/secrets";
import { GatewayError } from "../../errors";
import { readAnswerText } from "../../exchange/bounded-read";
import { ANSWER, FormatError, parseProviderJson } from "../../formats/check";
import type { ChatCompletionRequest } from "../../formats/openai";
import { TranslationError } from "../../translate/errors";
import type { WireAdapter, WireRequest } from "../wire";
import { openaiErrorResponse } from "./errors";
import { EventStreamDecoder } from "./event-stream";
import { converseRequestFromOpenai } from "./request";
import { chatCompletionFromConverse } from "./response";
import { sigV4Headers, type AwsCredentials } from "./sign";
import type { ChunkIdentity } from "../../translate/openai-chunk";
import { ConverseStreamTranslator } from "./stream";

/** Headers of the pipeline's OpenAI request that mean nothing to Bedrock (or that this adapter sets itself). */
const DROPPED_HEADERS = new Set(["authorization", "accept", "content-type", "openai-organization", "openai-project"]);

// Per validated provider entry: its SigV4 signing keys (one per day and secret), dropped with the config. Cleared past
// a few entries, so a long-lived isolate keeps only the current day's.
const signingKeys = new WeakMap<ProviderConfig, Map<string, ArrayBuffer>>();
const MAX_SIGNING_KEYS = 4;

function keyCacheOf(provider: ProviderConfig): Map<string, ArrayBuffer> {
  let cache = signingKeys.get(provider);
  if (!cache) signingKeys.set(provider, (cache = new Map()));
  if (cache.size >= MAX_SIGNING_KEYS) cache.clear();
  return cache;
}

/** `…/model/{modelId}/converse(-stream)`: the model id is one path segment (`:` and `/` in ids are encoded). */
function converseUrl(provider: ProviderConfig, model: string, streaming: boolean): string {
  return `${provider.baseUrl}/model/${encodeURIComponent(model)}/${streaming ? "converse-stream" : "converse"}`;
}

/** A `$VAR` of the entry resolved from the Worker's bindings; unset is the operator's config error. */
function secret(ref: string | undefined, env: WireRequest["env"], provider: ProviderConfig, key: string): string | undefined {
  const path = `model_providers[name=${provider.name}].${key}`;
  const resolved = resolveSecret(ref, env, path);
  if (resolved.ok) return resolved.value;
  console.error(`tracegate: ${resolved.error}`);
  throw GatewayError.configError(`${path} is not set; the gateway's log says how to set it`);
}

/**
 * Bedrock's auth for one request: SigV4 when the entry has `aws_secret_access_key` (the pipeline's key is then the
 * access key id), else the key as a Bedrock API key (`Authorization: Bearer`), as the pipeline sent it.
 */
async function authHeaders(req: WireRequest, url: string, headers: Record<string, string>, body: string) {
  const bearer = new Headers(req.init.headers).get("authorization");
  const settings = req.provider.bedrock;
  if (settings?.secretAccessKey === undefined || bearer === null) return bearer === null ? {} : { authorization: bearer };
  const credentials: AwsCredentials = {
    accessKeyId: bearer.replace(/^Bearer /, ""),
    secretAccessKey: secret(settings.secretAccessKey, req.env, req.provider, "aws_secret_access_key") ?? "",
    sessionToken: secret(settings.sessionToken, req.env, req.provider, "aws_session_token"),
  };
  const region = settings.region ?? "us-east-1";
  const keyCache = keyCacheOf(req.provider);
  return sigV4Headers({ method: "POST", url, headers, body, region, service: "bedrock", keyCache }, credentials);
}

function identityOf(req: WireRequest, response: Response): ChunkIdentity {
  const stream = req.body.stream_options;
  return {
    id: `chatcmpl-${response.headers.get("x-amzn-requestid") ?? crypto.randomUUID()}`,
    model: req.model,
    created: Math.floor(Date.now() / 1000),
    includeUsage: typeof stream === "object" && stream !== null && "include_usage" in stream && stream.include_usage === true,
  };
}

/** A malformed Bedrock answer as the OpenAI server error the pipeline passes on (502, naming the field). */
function malformedAnswer(err: FormatError): Response {
  const error = { message: `Bedrock: ${err.message}`, type: "server_error", param: null, code: "malformed_answer" };
  return Response.json({ error }, { status: 502 });
}

/** ConverseStream's event-stream frames -> OpenAI SSE, message by message as they arrive. */
function sseFromEventStream(body: ReadableStream<Uint8Array>, identity: ChunkIdentity): ReadableStream<Uint8Array> {
  const decoder = new EventStreamDecoder();
  const translator = new ConverseStreamTranslator(identity);
  const encoder = new TextEncoder();
  const translate = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      let sse = "";
      for (const message of decoder.push(chunk)) sse += translator.translate(message);
      if (sse !== "") controller.enqueue(encoder.encode(sse));
    },
    flush() {
      // A stream that closes before its metadata event (or mid-message) was cut short.
      if (!translator.ended || decoder.hasPartial) throw new Error("Bedrock's event stream ended before its metadata event");
    },
  });
  return body.pipeThrough(translate);
}

async function send(req: WireRequest): Promise<Response> {
  const streaming = req.body.stream === true;
  let converse;
  try {
    converse = converseRequestFromOpenai(req.body as ChatCompletionRequest);
  } catch (err) {
    if (err instanceof TranslationError) throw GatewayError.invalidRequest(err.message, err.param);
    throw err;
  }
  const url = converseUrl(req.provider, req.model, streaming);
  const body = JSON.stringify(converse);
  const headers: Record<string, string> = {};
  new Headers(req.init.headers).forEach((value, name) => {
    if (!DROPPED_HEADERS.has(name)) headers[name] = value;
  });
  headers["content-type"] = "application/json";
  headers.accept = streaming ? "application/vnd.amazon.eventstream" : "application/json";
  Object.assign(headers, await authHeaders(req, url, headers, body));
  const response = await fetch(url, { method: "POST", headers, body, signal: req.init.signal ?? null, redirect: "manual" });
  if (!response.ok) return openaiErrorResponse(response.status, response.headers, await readAnswerText(response, req.maxResponseBytes));
  const identity = identityOf(req, response);
  if (streaming && response.body) {
    const sse = sseFromEventStream(response.body, identity);
    return new Response(sse, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
  }
  try {
    const answer = parseProviderJson(await readAnswerText(response, req.maxResponseBytes), ANSWER);
    return Response.json(chatCompletionFromConverse(answer, identity.model, identity.id, identity.created));
  } catch (err) {
    if (err instanceof FormatError) return malformedAnswer(err);
    throw err;
  }
}

/** Amazon Bedrock behind the OpenAI interface: Converse for answers, ConverseStream for streams. */
export const bedrockWire: WireAdapter = { endpoint: converseUrl, send };
