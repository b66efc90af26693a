/**
 * The one seeded generator nas-sim uses (mulberry32: a 32-bit state with a full period of 2³²), so that synthetic
 * problems, calibration fixtures, random children and simulated arrivals are the same for a seed on any machine.
 */
export type Random = () => number

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
