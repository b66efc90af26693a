import { hymba } from './hymba.ts'
import { minitronSsm } from './minitron-ssm.ts'
import { nemotron4 } from './nemotron4-340b.ts'
import { nemotronH } from './nemotron-h.ts'
import { puzzle51b } from './puzzle-51b.ts'
import { searchChildren } from './search-children.ts'
import type { Reproduction } from './row.ts'
import { super49b } from './super-49b.ts'

/** Every reproduction, in the order RESULTS.md lists them. */
export const reproductions: readonly Reproduction[] = [puzzle51b, super49b, nemotronH, hymba, nemotron4, searchChildren, minitronSsm]

export type { Reproduction, ReproductionRow } from './row.ts'
