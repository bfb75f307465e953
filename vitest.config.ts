import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Three projects: `worker` runs inside workerd (the real runtime), `e2e` runs on Node and
// drives `wrangler dev` with the official SDKs against mock servers on loopback, `viewer` runs on Node and tests
// the local trace viewer (receiver, CLI, `npm start`, pages in headless Chromium).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // An Analytics Engine dataset (tracing.metrics.analytics_engine), bound for the tests only: deployments
              // bind their own in wrangler.toml.
              analyticsEngineDatasets: { GATEWAY_METRICS: { dataset: "tracegate_test" } },
              // Workers AI's `AI` binding, replaced in tests by a local Worker answering as it does (tests pass it as
              // `AI` in the env they give the app).
              serviceBindings: { WORKERS_AI_DOUBLE: { name: "workers-ai-double", entrypoint: "WorkersAiDouble" } },
              workers: [
                {
                  name: "workers-ai-double",
                  modules: true,
                  scriptPath: "./test/worker/workers-ai/double.mjs",
                  compatibilityDate: "2026-04-01",
                },
              ],
            },
          }),
        ],
        test: { name: "worker", include: ["test/worker/**/*.test.ts"], globalSetup: ["test/worker/loopback/setup.ts"] },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "viewer",
          include: ["test/viewer/**/*.test.ts", "test/cli/**/*.test.ts", "test/repo/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
