import { inject } from "vitest";
import { requestApp } from "../helpers/request";
import type { QueriedSpan, ReceivedCall, ReceivedRequest, ScriptedAnswer } from "./context";

// The worker tests' side of the loopback servers started by setup.ts.

const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");

/** OTLP span kinds as the collector receives them. */
export const SPAN_KIND = { SERVER: 2, CLIENT: 3 } as const;
/** OTLP status codes. */
export const STATUS = { OK: 1, ERROR: 2 } as const;

/**
 * A gateway config whose `openai/*` and `anthropic/*` models are served by the scripted provider, with every
 * request traced and exported to the loopback collector.
 */
export const LOOPBACK_ENV = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [
      { model: "openai/*", base_url: provider, access_key: "sk-loopback" },
      { model: "anthropic/*", base_url: provider, access_key: "sk-ant-loopback" },
    ],
    auth: "none",
    tracing: { random_sampling: 100, exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }] },
  }),
};

let next = 0;

/** Scripts the provider's next answers to a fresh model name, and returns that name. */
export async function scriptAnswer(answer: ScriptedAnswer): Promise<string> {
  const model = `scripted-${Date.now().toString(36)}-${next++}`;
  const res = await fetch(`${provider}/script`, { method: "POST", body: JSON.stringify({ model, answer }) });
  if (res.status !== 204) throw new Error(`scripting the provider failed: ${res.status}`);
  return model;
}

/** A whole OpenAI chat completion answering `content`, as a provider's JSON text. */
export function completionText(content: string, id = "c1"): string {
  return JSON.stringify({
    id,
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

/** SSE text of events, each as `event: <type>` (Anthropic) or bare (OpenAI) with its JSON or raw data. */
export function sse(events: readonly { event?: string; data: unknown }[]): string {
  return events
    .map(({ event, data }) => `${event === undefined ? "" : `event: ${event}\n`}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`)
    .join("");
}

/** POSTs a client body to the in-Worker gateway app (with an execution context; see requestApp). */
export async function callGateway(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return await requestApp(
    path,
    { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) },
    LOOPBACK_ENV,
  );
}

/** The last request the scripted provider received for `model` (its name as the provider got it). */
export async function receivedFor(model: string): Promise<ReceivedRequest> {
  const res = await fetch(`${provider}/received?model=${encodeURIComponent(model)}`);
  const calls = (await res.json()) as ReceivedRequest[];
  const last = calls.at(-1);
  if (last === undefined) throw new Error(`the provider received nothing for ${model}`);
  return last;
}

/** The trace id from a gateway response's `traceresponse` header. */
export function traceIdOf(res: Response): string {
  const header = res.headers.get("traceresponse") ?? "";
  const traceId = header.split("-")[1];
  if (!traceId) throw new Error(`no traceresponse on the response: "${header}"`);
  return traceId;
}

/** The spans of one trace once the collector has `count` of them (it waits for them to be exported). */
export async function spansOf(traceId: string, count: number): Promise<QueriedSpan[]> {
  const res = await fetch(`${provider}/spans?trace=${traceId}&count=${count}`);
  return (await res.json()) as QueriedSpan[];
}

/** Every request the scripted provider received for `model`, in order: path, headers, body and trace headers. */
export async function receivedBy(model: string): Promise<(ReceivedRequest & ReceivedCall)[]> {
  const res = await fetch(`${provider}/received?model=${encodeURIComponent(model)}`);
  return (await res.json()) as (ReceivedRequest & ReceivedCall)[];
}

/** The scripted provider's URL, for configs of their own. */
export const LOOPBACK_PROVIDER = provider;
/** The loopback collector's URL, for configs of their own. */
export const LOOPBACK_COLLECTOR = collector;
