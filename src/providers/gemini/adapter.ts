import { requireSecret } from "../../config/secrets";
import type { ProviderConfig } from "../../config/types";
import { readAnswerText } from "../../exchange/bounded-read";
import { GatewayError } from "../../errors";
import { parseProviderJson } from "../../formats/check";
import type { ChatCompletionRequest } from "../../formats/openai";
import { TranslationError } from "../../translate/errors";
import type { UpstreamInit } from "../../exchange/upstream";
import type { WireAdapter, WireRequest } from "../wire";
import { openaiErrorFrom, readGoogleError, translatedSse } from "../wire-answer";
import { readGenerateContent, readGenerateContentEvent } from "./read";
import { openaiRequestToGemini } from "./request";
import { geminiResponseToOpenai } from "./response";
import { geminiStreamToOpenai } from "./stream";
import { serviceAccountToken } from "./vertex-token";

type Headers = Record<string, string>;

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
function modelPath(model: string): string {
  return encodeURIComponent(model.replace(/^models\//, ""));
}

function method(streaming: boolean): string {
  return streaming ? ":streamGenerateContent?alt=sse" : ":generateContent";
}

/** The request's headers minus the OpenAI-shaped key, which each Google API carries its own way. */
function withoutKey(init: UpstreamInit): { headers: Headers; key: string | undefined } {
  const headers: Headers = { ...init.headers };
  const auth = headers.authorization;
  delete headers.authorization;
  const key = auth === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  return { headers, key };
}

function translated(body: WireRequest["body"]) {
  try {
    return openaiRequestToGemini(body as ChatCompletionRequest);
  } catch (err) {
    if (err instanceof TranslationError) throw err;
    throw GatewayError.invalidRequest("request could not be translated to the Gemini API: a field has the wrong type");
  }
}

/** Calls generateContent (or its stream) at `url` and answers as an OpenAI server would. */
async function callGemini(request: WireRequest, url: string, headers: Headers): Promise<Response> {
  const streaming = request.body.stream === true;
  const native = JSON.stringify(translated(request.body));
  const res = await fetch(url, { ...request.init, headers, body: native });
  if (res.status >= 300 && res.status < 400) return res; // the pipeline refuses redirects
  if (!res.ok) return openaiErrorFrom(res, readGoogleError);
  const created = Math.floor(Date.now() / 1000);
  if (streaming && res.body && res.headers.get("content-type")?.includes("text/event-stream")) {
    const translator = geminiStreamToOpenai({ model: request.model, created });
    return translatedSse(res.body, {
      event: (data) => (data === "[DONE]" ? [] : translator.push(readGenerateContentEvent(parseProviderJson(data, "stream event")))),
      end: () => {
        const last = translator.end();
        return last ? [last] : undefined;
      },
    });
  }
  const json = readGenerateContent(parseProviderJson(await readAnswerText(res, request.maxResponseBytes), "answer"));
  return Response.json(geminiResponseToOpenai(json, request.model, created));
}

/** Google's Gemini API (`google/<model>`): the key as `x-goog-api-key`. */
export const geminiWire: WireAdapter = {
  endpoint: (provider, model, streaming) => `${provider.baseUrl}/models/${modelPath(model)}${method(streaming)}`,
  send(request) {
    const { headers, key } = withoutKey(request.init);
    if (key !== undefined) headers["x-goog-api-key"] = key;
    return callGemini(request, this.endpoint(request.provider, request.model, request.body.stream === true), headers);
  },
};

function vertexEndpoint(provider: ProviderConfig, model: string, streaming: boolean): string {
  const project = provider.vertex?.project ?? "";
  const location = provider.vertex?.location ?? "";
  return `${provider.baseUrl}/projects/${project}/locations/${location}/publishers/google/models/${modelPath(model)}${method(streaming)}`;
}

/** Vertex AI (`vertex_ai/<model>`): a service account's token (vertex.service_account), else `access_key` as one. */
export const vertexWire: WireAdapter = {
  endpoint: vertexEndpoint,
  async send(request) {
    const { provider, env } = request;
    const { headers, key } = withoutKey(request.init);
    const path = `model_providers[name=${provider.name}].vertex.service_account`;
    const serviceAccount = requireSecret(provider.vertex?.service_account, env, path);
    const token = serviceAccount === undefined ? key : await serviceAccountToken(serviceAccount, path);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return callGemini(request, vertexEndpoint(provider, request.model, request.body.stream === true), headers);
  },
};
