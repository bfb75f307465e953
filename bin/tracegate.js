#!/usr/bin/env node
// @ts-check
// The `tracegate` command: see cli/main.js.
import { main } from "../cli/main.js";

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
