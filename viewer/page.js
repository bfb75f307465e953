// @ts-check
// The browser pages: one HTML shell, one stylesheet and one script (vanilla JS, no framework, no build step) in
// viewer/page/, read once at start-up. The script reads the JSON API and refreshes on its own.
import { readFileSync } from "node:fs";

const read = (/** @type {string} */ name) => readFileSync(new URL(`./page/${name}`, import.meta.url), "utf8");

export const PAGE_HTML = read("index.html");
export const PAGE_SCRIPT = read("app.js");
export const METRICS_SCRIPT = read("metrics.js");
export const PAGE_STYLE = read("style.css");
