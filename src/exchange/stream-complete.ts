import { GatewayError } from "../errors";
import { isRecord } from "../formats/check";
import { endsResponsesStream } from "../formats/responses-read";
import type { CallApi } from "../providers/known";
import type { StreamCodec } from "../streaming/pipe";
import type { SseEvent } from "../streaming/sse";

/**
 * Whether an event (already read and checked by the codec) ends a complete stream of `iface`; `sawData`: whether
 * any data event came before it.
 */
function endsStream(iface: CallApi, ev: SseEvent, data: unknown, sawData: boolean): boolean {
  if (iface === "anthropic") return isRecord(data) && data.type === "message_stop";
  // Responses: its final event (completed, incomplete, failed, or an error).
  if (iface === "responses") return endsResponsesStream(data);
  // OpenAI: `[DONE]` after some chunk, or a choice's finish_reason (some compatible servers never send `[DONE]`).
  if (ev.data === "[DONE]") return sawData;
  if (!isRecord(data) || !Array.isArray(data.choices)) return false;
  return data.choices.some((c: unknown) => isRecord(c) && c.finish_reason != null);
}

/**
 * A provider stream that closes cleanly before its end (no finish, no `[DONE]` / `message_stop`) was cut short: the
 * client gets an error event instead of a synthesized end, and the call ends in error. Wraps any codec.
 */
export function requireCompleteStream(iface: CallApi, codec: StreamCodec): StreamCodec {
  let complete = false;
  let sawData = false;
  return {
    event(ev, data) {
      if (!complete && endsStream(iface, ev, data, sawData)) complete = true;
      if (data !== undefined) sawData = true;
      return codec.event(ev, data);
    },
    end() {
      if (!complete) throw GatewayError.upstreamError("provider stream ended before its finish (truncated)");
      return codec.end();
    },
    error: (err) => codec.error(err),
  };
}
