import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { requestApp } from "./request";

/**
 * The official openai and anthropic SDKs, inside workerd, calling the gateway app in-process (through requestApp,
 * so each request's trace is exported before the SDK sees the answer) with `env` as the Worker's bindings.
 */
export function sdkClients(env: Record<string, unknown>): { openai: OpenAI; anthropic: Anthropic } {
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    return requestApp(url.pathname + url.search, init, env);
  };
  return {
    openai: new OpenAI({ baseURL: "http://gateway.test/v1", apiKey: "client-key", maxRetries: 0, fetch }),
    anthropic: new Anthropic({ baseURL: "http://gateway.test", apiKey: "client-key", maxRetries: 0, fetch }),
  };
}
