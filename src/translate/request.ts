// Request translation in both directions; each direction lives in its own module.
export { TranslationError } from "./errors";
export { DEFAULT_MAX_TOKENS, openaiRequestToAnthropic } from "./request-to-anthropic";
export { anthropicRequestToOpenai } from "./request-to-openai";
