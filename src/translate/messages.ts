import type { AssistantMessageParam, ChatMessage, SystemMessage, ToolMessage, UserMessage } from "../formats/openai";
import { TranslationError } from "./errors";

/** What a request translation does with each kind of OpenAI message (`index` is the message's, for error paths). */
export interface MessageHandlers {
  system(msg: SystemMessage): void;
  user(msg: UserMessage, index: number): void;
  assistant(msg: AssistantMessageParam): void;
  tool(msg: ToolMessage): void;
}

/**
 * Hands each OpenAI message, in order, to its role's handler (`developer` is a system message). A role none takes is
 * a TranslationError naming it and `provider` ("an Anthropic provider").
 */
export function forEachMessage(messages: readonly ChatMessage[], handlers: MessageHandlers, provider: string): void {
  messages.forEach((msg, i) => {
    switch (msg.role) {
      case "system":
      case "developer":
        return handlers.system(msg);
      case "user":
        return handlers.user(msg, i);
      case "assistant":
        return handlers.assistant(msg);
      case "tool":
        return handlers.tool(msg);
      default: {
        const role = String((msg as { role?: unknown }).role);
        throw new TranslationError(`messages[${i}].role: "${role}" messages cannot be sent to ${provider}`, `messages[${i}].role`);
      }
    }
  });
}
