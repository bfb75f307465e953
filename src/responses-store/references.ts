import { GatewayError } from "../errors";
import type { InputItem, OutputItem, ResponseObject, ResponsesRequest } from "../formats/responses";
import type { ResponsesSession } from "./session";

/** The stored response an item id of ours belongs to: `msg_<x>`, `rs_<x>`, `fc_<x>_<n>` -> `resp_<x>`. */
function responseIdOf(itemId: string): string | undefined {
  const match = /^(?:msg|rs|fc)_([0-9a-f]+)(?:_\d+)?$/.exec(itemId);
  return match ? `resp_${match[1]}` : undefined;
}

/**
 * The request with each `{type: "item_reference", id}` of its input replaced by the output item it names, read from
 * the client's stored responses (clients such as the Vercel AI SDK refer to earlier output by id when `store` is
 * on; a chat model needs the item itself). An id that is not this client's stored item is a 404 naming the input.
 */
export async function resolveItemReferences(req: ResponsesRequest, session: ResponsesSession): Promise<ResponsesRequest> {
  const input = req.input;
  if (!Array.isArray(input) || !input.some((item) => item.type === "item_reference")) return req;
  const responses = new Map<string, ResponseObject | undefined>();
  const resolved: InputItem[] = [];
  for (const [i, item] of input.entries()) {
    if (item.type !== "item_reference") {
      resolved.push(item);
      continue;
    }
    const id = typeof item.id === "string" ? item.id : "";
    const responseId = responseIdOf(id);
    if (responseId !== undefined && !responses.has(responseId)) {
      const text = await session.response(responseId);
      responses.set(responseId, text === undefined ? undefined : (JSON.parse(text) as ResponseObject));
    }
    const found = responseId === undefined ? undefined : responses.get(responseId)?.output.find((o: OutputItem) => o.id === id);
    if (!found) throw GatewayError.notFound(`input[${i}]: no stored item "${id}" found`, `input[${i}].id`);
    resolved.push(found);
  }
  return { ...req, input: resolved };
}
