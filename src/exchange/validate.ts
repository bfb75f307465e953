import { GatewayError } from "../errors";

// Minimal shape checks: the provider validates the rest. Unknown fields pass through unchanged.

function invalid(param: string, message: string): GatewayError {
  return GatewayError.invalidRequest(`${param}: ${message}`, param);
}

export function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (value === undefined) throw invalid(key, "required");
  if (typeof value !== "string" || value === "") throw invalid(key, "expected a non-empty string");
  return value;
}

export function requireMessages(body: Record<string, unknown>): void {
  const messages = body.messages;
  if (messages === undefined) throw invalid("messages", "required");
  if (!Array.isArray(messages)) throw invalid("messages", "expected an array");
  messages.forEach((m: unknown, i) => {
    if (typeof m !== "object" || m === null || Array.isArray(m)) throw invalid(`messages[${i}]`, "expected an object");
    if (!("role" in m) || typeof m.role !== "string") throw invalid(`messages[${i}].role`, "expected a string");
  });
}

export function optionalType(body: Record<string, unknown>, key: string, type: "boolean" | "number" | "object"): void {
  const value = body[key];
  if (value === undefined || value === null) return;
  const ok = type === "object" ? typeof value === "object" && !Array.isArray(value) : typeof value === type;
  if (!ok) throw invalid(key, `expected ${type === "object" ? "an object" : `a ${type}`}`);
}

export function requireInteger(body: Record<string, unknown>, key: string): void {
  const value = body[key];
  if (value === undefined) throw invalid(key, "required");
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw invalid(key, "expected a positive integer");
}

/** Longest model name a client may send: real names are far shorter; it bounds span attributes and headers. */
export const MAX_MODEL_NAME_LENGTH = 256;

// Printable ASCII only: the name goes into the `x-tracegate-model` header, which refuses control characters and
// anything beyond Latin-1, and to the provider in a wildcard route.
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The client's `model`, checked before anything is resolved or sent: a non-empty string of printable ASCII (no
 * control characters) of at most MAX_MODEL_NAME_LENGTH characters; otherwise a 400 naming `model`.
 */
export function requireModelName(body: Record<string, unknown>): string {
  const model = requireString(body, "model");
  if (model.length > MAX_MODEL_NAME_LENGTH) throw invalid("model", `longer than ${MAX_MODEL_NAME_LENGTH} characters`);
  if (!PRINTABLE_ASCII.test(model)) {
    throw invalid("model", "expected printable ASCII characters only (no control characters)");
  }
  return model;
}
