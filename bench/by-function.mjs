#!/usr/bin/env node
// Self instructions by function from a callgrind dump of workerd (bench/instructions.mjs --by-function): callgrind
// names the runtime's own functions; JIT code shows as bare addresses, named here from V8's perf map
// (--perf-basic-prof: start, size, name per line).
//
//   node bench/by-function.mjs CALLGRIND_DUMP /tmp/perf-PID.map REQUESTS [ROWS]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
/**
 * Self instructions per request by function: callgrind names the runtime's functions; JIT code shows as bare
 * addresses, named here from V8's perf map (start, size, name).
 */
export function printByFunction(dumpText, perfMap, requests, rows) {
  // Code is collected and its addresses reused: where ranges overlap, the later line of the map (the newer code,
  // the one the measured batch ran) wins.
  const ranges = readFileSync(perfMap, "utf8")
    .split("\n")
    .map((line, order) => ({ m: /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line), order }))
    .filter(({ m }) => m)
    .map(({ m, order }) => ({ start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16), name: m[3], order }))
    .sort((a, b) => a.start - b.start);
  const longest = ranges.reduce((max, r) => Math.max(max, r.end - r.start), 0);
  const nameAt = (address) => {
    // The last range starting at or before the address, then back over every range that could still reach it.
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    let best;
    for (let i = hi; i >= 0 && address - ranges[i].start < longest; i--) {
      const r = ranges[i];
      if (address < r.end && (best === undefined || r.order > best.order)) best = r;
    }
    return best?.name;
  };
  const names = new Map();
  const self = new Map();
  let fn;
  let skipNext = false;
  for (const line of dumpText.split("\n")) {
    // fn=name, or with compressed strings fn=(id) name the first time and fn=(id) after.
    const named = /^(c?fn)=(?:\((\d+)\))? ?(.*)$/.exec(line);
    if (named) {
      const [, kind, id, text] = named;
      if (id !== undefined && text !== "") names.set(id, text);
      if (kind === "fn") fn = id === undefined ? text : names.get(id);
      continue;
    }
    if (line.startsWith("calls=")) {
      skipNext = true; // the next cost line is the call's inclusive cost
      continue;
    }
    if (/^[0-9+\-*]/.test(line)) {
      if (skipNext) {
        skipNext = false;
        continue;
      }
      const cost = Number(line.split(" ")[1] ?? 0);
      if (fn) self.set(fn, (self.get(fn) ?? 0) + cost);
    }
  }
  const byName = new Map();
  for (const [name, cost] of self) {
    const address = /^0x([0-9a-f]+)$/.exec(name);
    const label = address ? (nameAt(parseInt(address[1], 16)) ?? "JIT code (unnamed)") : name.slice(0, 120);
    byName.set(label, (byName.get(label) ?? 0) + cost);
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  console.log(`\nself instructions per request by function (last batch, ${Math.round(total / requests).toLocaleString("en-US")} in all):`);
  for (const [name, cost] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${Math.round(cost / requests).toLocaleString("en-US").padStart(9)}  ${name}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dump, perfMap, requests, rows = "40"] = process.argv.slice(2);
  printByFunction(readFileSync(dump, "utf8"), perfMap, Number(requests), Number(rows));
}
