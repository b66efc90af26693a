/** Draws for simulated workloads, from nas-sim's one seeded generator (src/random.ts). */
import type { Random } from '../../random.ts'

/** An exponential variate of mean 1 (inverse transform; 1 − u is in (0, 1], so the log is finite). */
export function unitExponential(random: Random): number {
  return -Math.log(1 - random())
}
