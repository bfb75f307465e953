import { isRecord } from "../../formats/check";

/** OpenAI's error `type` for a Bedrock exception name (`ThrottlingException` or the stream's `throttlingException`). */
function openaiType(exception: string): string {
  switch (exception.toLowerCase()) {
    case "throttlingexception":
    case "servicequotaexceededexception":
    case "modelnotreadyexception":
      return "rate_limit_error";
    case "validationexception":
    case "resourcenotfoundexception":
      return "invalid_request_error";
    case "accessdeniedexception":
    case "unrecognizedclientexception":
      return "permission_error";
    default: // internalServerException, modelStreamErrorException, serviceUnavailableException, modelTimeoutException
      return "server_error";
  }
}

/** Bedrock's error message: `{"message": …}` (`Message` in some services' errors); else undefined. */
function messageOf(payload: unknown): string | undefined {
  if (!isRecord(payload)) return undefined;
  const message = payload.message ?? payload.Message;
  return typeof message === "string" ? message : undefined;
}

/** A Bedrock exception (its name and JSON payload) as an OpenAI error body; `code` keeps Bedrock's name. */
export function openaiErrorFromBedrock(exception: string, payload: unknown): { error: Record<string, unknown> } {
  const message = messageOf(payload) ?? `Bedrock ${exception}`;
  return { error: { message, type: openaiType(exception), param: null, code: exception } };
}

/**
 * The exception name of a Bedrock error answer: `x-amzn-errortype` (`ThrottlingException:http://…`), else the body's
 * `__type`, else a name for its status.
 */
export function exceptionName(headers: Headers, payload: unknown, status: number): string {
  const header = headers.get("x-amzn-errortype");
  if (header) return header.split(":")[0] ?? header;
  if (isRecord(payload) && typeof payload.__type === "string") return payload.__type.split("#").pop() ?? payload.__type;
  return status === 429 ? "ThrottlingException" : status >= 500 ? "InternalServerException" : "ValidationException";
}

/** Headers a Bedrock error answer keeps when re-enveloped: the retry hint. */
const KEPT_HEADERS = ["retry-after", "x-amzn-requestid"];

/** A Bedrock HTTP error (status, headers, body text) as an OpenAI error Response with the same status. */
export function openaiErrorResponse(status: number, headers: Headers, text: string): Response {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = undefined;
  }
  const body = openaiErrorFromBedrock(exceptionName(headers, payload, status), payload);
  const out = new Headers({ "content-type": "application/json" });
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name);
    if (value !== null) out.set(name, value);
  }
  return new Response(JSON.stringify(body), { status, headers: out });
}
