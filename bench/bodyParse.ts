/**
 * How long the server takes to read a request body (server/src/http/bodyParser.ts), against a plain
 * relaxed `EJSON.deserialize` (how it read bodies before it kept big Longs exact). Run alone, never
 * beside the tests: `npx tsx bench/bodyParse.ts`. Prints medians of 5 repetitions with their range.
 */
import { EJSON } from "bson";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseEjsonText } from "../server/src/http/bodyParser.js";

const BODIES: [string, string, number][] = [
  ["small function call", JSON.stringify({ name: "sum", arguments: [{ $numberInt: "1" }, { $numberInt: "2" }] }), 20_000],
  ["~100 KB argument", JSON.stringify({ name: "echo", arguments: [{ text: "x".repeat(100_000), n: { $numberInt: "5" } }] }), 300],
];
const relaxed = (text: string): unknown => EJSON.deserialize(JSON.parse(text) as Record<string, unknown>);

function microseconds(fn: (text: string) => unknown, text: string, n: number): number {
  for (let i = 0; i < 200; i++) fn(text);
  const start = performance.now();
  for (let i = 0; i < n; i++) fn(text);
  return ((performance.now() - start) / n) * 1000;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (i: number): string => (sorted[i] ?? Number.NaN).toFixed(1);
  return `${at(2)} µs (${at(0)}–${at(4)})`;
}

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")}`,
);
for (const [label, text, n] of BODIES) {
  const before: number[] = [];
  const now: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    before.push(microseconds(relaxed, text, n));
    now.push(microseconds(parseEjsonText, text, n));
  }
  console.log(`${label}: relaxed EJSON ${summary(before)}, the server's parser ${summary(now)}`);
}
