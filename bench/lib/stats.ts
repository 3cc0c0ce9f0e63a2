/**
 * Summary statistics of latency samples (nearest-rank percentiles) and number formatting.
 * @packageDocumentation
 */

/** Median, p95, max and count of samples. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** The nearest-rank percentile `p` (0–100) of sorted samples. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Summarises samples. */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? Number.NaN };
}

/** Formats a number with a precision that suits its size ("–" for NaN). */
export function fmt(value: number, unit = ""): string {
  if (!Number.isFinite(value)) return "–";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit}`;
}

/** `a / b` as "×2.5" ("–" when either is missing or b is 0). */
export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "–";
  return `×${fmt(a / b)}`;
}

/** Formats bytes as KiB. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
