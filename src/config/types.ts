// The validated config's types, for the modules that read the config. Each is derived from the validator that
// builds it (the return types of validate*.ts, read through schema.ts), so a type and its check cannot drift.
export type { GatewayConfig } from "./validate";
export type { ProviderConfig } from "./validate-providers";
export { DEFAULT_RETRY, type RetryPolicy } from "./validate-retry";
export { DEFAULT_CONTENT_MAX_BYTES, type TracingConfig, type KeepRules } from "./validate-tracing";
export type { ExporterConfig } from "./validate-exporter";
export type { ClientKey, JwtConfig } from "./validate-auth";
export type { CorsConfig } from "./validate-cors";
