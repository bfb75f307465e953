import { readFileSync } from "node:fs";

/**
 * The settings lines of a wrangler config in this repo (comments and blank lines dropped), without those a test
 * Worker's config must differ in (`name`, `main`, `workers_dev`): for comparing a test config with wrangler.toml.
 */
export function wranglerSettings(path: string): string[] {
  return readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "" && !/^(name|main|workers_dev)\s*=/.test(line));
}
