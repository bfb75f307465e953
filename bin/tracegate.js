#!/usr/bin/env node
// @ts-check
// The `tracegate` command: see viewer/cli.js.
import { main } from "../viewer/cli.js";

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
