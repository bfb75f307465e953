/** A client request that cannot be expressed in the provider's API. The route answers it with a 400 naming `param`. */
export class TranslationError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = "TranslationError";
  }
}

/** An error the provider reported inside a stream (Anthropic `error` event, OpenAI `{"error":…}` chunk). */
export class UpstreamStreamError extends Error {
  constructor(
    /** The provider's error type, e.g. `overloaded_error`. */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "UpstreamStreamError";
  }
}
