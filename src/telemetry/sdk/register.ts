import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "./context-manager";
import { GatewayTracerProvider } from "./tracer";

/**
 * Makes tracegate's tracer and request context the `@opentelemetry/api` globals, so any code inside a request that
 * uses the API (`trace.getTracer(...)`, `context.active()`) lands in the request's trace and export.
 * The API keeps the first registration; a second call (tests importing the app twice) changes nothing.
 */
export function registerTelemetry(): GatewayTracerProvider {
  const provider = new GatewayTracerProvider();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  return provider;
}
