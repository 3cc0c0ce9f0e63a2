/**
 * The runner's side of the clock offsets (bench/pages/clock.ts): each tab's clock minus its
 * worker's, measured one tab after the other (so the pings of one do not queue behind another's),
 * and the sentence a section's notes give about them.
 * @packageDocumentation
 */
import type { ClockOffset } from "../pages/clock.js";
import { fmt, spread } from "./stats.js";

/** Something that measures one tab's offset (a page's `clockOffset()`, through the driver). */
type Measure = () => Promise<ClockOffset>;

/** Each tab's offset, in the order given, measured one after the other. */
export async function measureOffsets(measures: readonly Measure[]): Promise<ClockOffset[]> {
  const out: ClockOffset[] = [];
  for (const measure of measures) out.push(await measure());
  return out;
}

/** What a section says of its offsets (of `whose` tabs): their median and range, and the round trips they came from. */
export function offsetsNote(offsets: readonly ClockOffset[], whose = "each tab"): string {
  if (offsets.length === 0) return "No clock offsets were measured.";
  const worst = Math.max(...offsets.map((o) => Math.abs(o.offsetMs)));
  return (
    `Clocks: ${whose}'s epoch clock minus its worker's, from the shortest of 20 pings per tab (NTP-style, pages/clock.ts), ` +
    `was ${spread(
      offsets.map((o) => o.offsetMs),
      " ms",
    )} over ${offsets.length} tabs (largest ${fmt(worst, " ms")}; round trips ${spread(
      offsets.map((o) => o.rttMs),
      " ms",
    )}, so each estimate is good to half its round trip, plus the clocks' 0.1 ms step); every time measured from one realm to the other is corrected by its tab's offset.`
  );
}
