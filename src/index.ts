import { app } from "./app";

export default app;
export { RateLimiter } from "./ratelimit/limiter";
