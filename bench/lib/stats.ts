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

/** The median of values (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "12.3 ms (10.1–15.0)": the median of values with their spread (min–max). */
export function spread(values: readonly number[], unit = ""): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return "–";
  return `${fmt(median(finite), unit)} (${fmt(Math.min(...finite))}–${fmt(Math.max(...finite))})`;
}

/** "×0.95 (×0.90–×1.02)": the median of per-repetition ratios `a[i] / b[i]`, with their spread. */
export function ratioSpread(a: readonly number[], b: readonly number[]): string {
  const ratios = a.map((x, i) => x / (b[i] ?? Number.NaN)).filter(Number.isFinite);
  if (ratios.length === 0) return "–";
  return `×${fmt(median(ratios))} (×${fmt(Math.min(...ratios))}–×${fmt(Math.max(...ratios))})`;
}
