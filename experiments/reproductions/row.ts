/**
 * One line of a reproduction: a published figure beside nas-sim's figure for
 * the same quantity and setup. A miss is reported as it is; nothing here is
 * tuned to make a ratio come out near one.
 */
export interface ReproductionRow {
  /** Which experiment the row belongs to, e.g. `Puzzle: Nemotron-51B vs Llama-3.1-70B`. */
  readonly experiment: string
  /** What is compared, e.g. `output tokens/s per GPU, Nemotron-51B at its best setting`. */
  readonly quantity: string
  /** The published figure; null where the source publishes none for this quantity. */
  readonly paper: number | null
  /** nas-sim's figure; null where nas-sim cannot produce it (the note says why). */
  readonly nasSim: number | null
  /**
   * nasSim ÷ paper; null when either is missing. For yes/no rows (unit
   * `yes/no`, 1 = yes) it is 1 when nas-sim gives the published answer and 0
   * when it does not.
   */
  readonly ratio: number | null
  readonly unit: string
  /** System, precision, lengths, TP and batch, efficiency model. */
  readonly setup: string
  /** Where the published figure comes from, and anything a reader needs to judge the row. */
  readonly note: string
}

/** A row with its ratio derived from the two figures. */
export function reproductionRow(fields: Omit<ReproductionRow, 'ratio'>): ReproductionRow {
  const { paper, nasSim } = fields
  if (paper === null || nasSim === null) return { ...fields, ratio: null }
  if (fields.unit === yesNo) return { ...fields, ratio: paper === nasSim ? 1 : 0 }
  return { ...fields, ratio: paper === 0 ? null : nasSim / paper }
}

/** The unit of rows that compare a yes (1) or no (0) with the published statement. */
export const yesNo = 'yes/no'

/** A gap larger than this share (either way) is discussed in RESULTS.md: the tolerance issue 10 sets for every published figure. */
export const discussedGap = 0.15

/** Whether a row misses its published figure by more than {@link discussedGap}. */
export function isLargeGap(row: ReproductionRow): boolean {
  return row.ratio !== null && Math.abs(row.ratio - 1) > discussedGap
}

/** A published figure nas-sim could not produce (the setting does not fit, or a tool is missing). */
export function isNotReproduced(row: ReproductionRow): boolean {
  return row.paper !== null && row.nasSim === null
}

/**
 * What a reproduction script exports for the runner: its rows, and for every
 * row that misses by more than {@link discussedGap} the mechanism nas-sim lacks that explains
 * it, in plain words.
 */
export interface Reproduction {
  /** Short id, the script's file name. */
  readonly id: string
  readonly title: string
  /** The published sources the figures come from. */
  readonly sources: readonly string[]
  readonly rows: () => Promise<readonly ReproductionRow[]>
  /** Why a row misses by more than {@link discussedGap} or is not reproduced, given all of the experiment's rows. */
  readonly explainGap: (row: ReproductionRow, rows: readonly ReproductionRow[]) => string
}
