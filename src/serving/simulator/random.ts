/**
 * A small seeded generator (mulberry32, a 32-bit state with a full period of
 * 2³²), so that a simulation is the same for the same seed on any machine.
 */
export type Random = () => number

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An exponential variate of mean 1 (inverse transform; 1 − u is in (0, 1], so the log is finite). */
export function unitExponential(random: Random): number {
  return -Math.log(1 - random())
}
