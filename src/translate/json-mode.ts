import type { MessagesRequest, ToolDefinition } from "../formats/anthropic";

/**
 * OpenAI's JSON mode (`response_format: {type: "json_object"}`) has no Anthropic switch. tracegate asks Claude for
 * the answer as the input of one tool, which Anthropic always returns as a JSON object, and hands that object back
 * as the message's text. A system instruction with an assistant prefill of `{` would be lighter, but newer Claude
 * models refuse prefills and it yields prose after the object; a forced tool cannot. Where a forced tool is not
 * allowed (thinking on, or the client's tool_choice `none` or a named tool), the instruction alone is sent.
 */
export const JSON_MODE_TOOL = "tracegate_json_answer";

const JSON_MODE_TOOL_DEFINITION: ToolDefinition = {
  name: JSON_MODE_TOOL,
  description: "Give your final answer as a JSON object: the input of this tool is the answer.",
  input_schema: { type: "object", additionalProperties: true },
};

/** The instruction used when no tool can be forced. */
export const JSON_MODE_INSTRUCTION = "Answer with a single JSON object and nothing else: no prose and no code fences.";

/** Applies JSON mode to a translated Anthropic request, in place (called once the rest of the request is built). */
export function applyJsonMode(out: MessagesRequest): void {
  const choice = out.tool_choice?.type;
  if (out.thinking?.type === "enabled" || choice === "none" || choice === "tool") {
    const system = out.system;
    if (system === undefined || system === "") out.system = JSON_MODE_INSTRUCTION;
    else if (typeof system === "string") out.system = `${system}\n\n${JSON_MODE_INSTRUCTION}`;
    else out.system = [...system, { type: "text", text: JSON_MODE_INSTRUCTION }];
    return;
  }
  const parallel = out.tool_choice?.type === "auto" || out.tool_choice?.type === "any" ? out.tool_choice.disable_parallel_tool_use : undefined;
  // With the client's own tools the model must call one of them or answer through the JSON tool.
  out.tool_choice = out.tools?.length
    ? { type: "any", ...(parallel ? { disable_parallel_tool_use: true } : {}) }
    : { type: "tool", name: JSON_MODE_TOOL };
  out.tools = [...(out.tools ?? []), JSON_MODE_TOOL_DEFINITION];
}

/** Whether a translated request answers JSON mode through the JSON tool (its answer must be turned back into text). */
export function usesJsonModeTool(req: MessagesRequest): boolean {
  return req.tools?.some((tool) => tool.name === JSON_MODE_TOOL) === true;
}
