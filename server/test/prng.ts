/**
 * Test support: mulberry32, a small seeded pseudo-random generator, so that a fuzz test's failure
 * replays from its seed.
 * @packageDocumentation
 */

/**
 * A generator of numbers in [0, 1) from a seed.
 * @param seed - any 32-bit integer
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
