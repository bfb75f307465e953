import { app } from "./app";

export default app;
export { RateLimiter } from "./ratelimit/limiter";
export { ResponsesStore } from "./responses-store/store";
