import { version } from "../../package.json";
import type { Scope } from "./sdk/span-data";

/**
 * tracegate's version, from package.json at build time: esbuild (wrangler's bundler, and vite in the tests) inlines
 * the one field imported, not the whole file.
 */
export const PACKAGE_VERSION: string = version;

/** The instrumentation scope of the gateway's own spans (SERVER and CLIENT). */
export const GATEWAY_SCOPE: Scope = { name: "tracegate", version: PACKAGE_VERSION };
