/**
 * The MIP solver: HiGHS (Huangfu and Hall; highs.dev) compiled to WebAssembly
 * by the `highs` npm package. The runtime is loaded once and reused; a solve
 * that throws may leave it corrupted, so the runtime is then dropped and the
 * next `loadHighs` starts a fresh one.
 */
import highsModule, { type Highs } from 'highs'
import type { CompiledProblem } from './compile.ts'
import type { CompiledOutcome, CompiledSolver } from './compiled-solver.ts'
import { lpModel, parseColumn } from './lp-model.ts'

/**
 * The package is CommonJS with an ESM build: TypeScript types the default
 * import as the CommonJS module object (loader under `.default`), while Node
 * resolves the ESM build whose default export is the loader itself.
 */
const highsLoader: typeof highsModule.default =
  typeof highsModule === 'function' ? highsModule : highsModule.default

let runtime: Promise<Highs> | undefined

/** The shared HiGHS runtime, loading it on first use. */
export function loadHighs(): Promise<Highs> {
  const loaded = runtime ?? highsLoader()
  runtime = loaded
  return loaded
}

/** Drops the shared runtime so that the next `loadHighs` builds a fresh one. */
export function discardHighs(): void {
  runtime = undefined
}

export interface HighsSolverOptions {
  /**
   * Branch-and-bound nodes before HiGHS stops; the outcome is then `Failed`.
   * A count, never seconds, so that the same problem gets the same answer on
   * an idle machine and under load. Default `defaultNodeLimit`.
   */
  readonly nodeLimit?: number
}

/** A bound on the work of every call, so that none runs unbounded; far above what the tests' and benchmarks' problems take. */
export const defaultNodeLimit = 200_000

/**
 * Gaps and tolerances tight enough that HiGHS's answer matches an exact
 * method's to about 1e-9 relative (its defaults, 1e-4 relative gap and 1e-6
 * absolute, would let it stop at a visibly worse child).
 */
const exactOptions = {
  output_flag: false,
  mip_rel_gap: 1e-9,
  mip_abs_gap: 1e-9,
  primal_feasibility_tolerance: 1e-9,
  mip_feasibility_tolerance: 1e-9,
} as const

const optimal = 7
const infeasible = 8

/** A solver over an already loaded runtime. A thrown HiGHS error discards the runtime and reports `Failed` with `crashed`. */
export function highsSolver(highs: Highs, options: HighsSolverOptions = {}): CompiledSolver {
  return (problem: CompiledProblem): CompiledOutcome => {
    if (problem.layers.length === 0) {
      return problem.rows.every((r) => r.bound >= 0) ? { _tag: 'Optimal', choice: new Int32Array(0), objective: 0, gap: 0 } : { _tag: 'Infeasible' }
    }
    const model = lpModel(problem)
    if (model === undefined) return { _tag: 'Infeasible' }
    try {
      return highs.withModel({ format: 'lp', data: model.text }, (m): CompiledOutcome => {
        m.options.set({ ...exactOptions, mip_max_nodes: options.nodeLimit ?? defaultNodeLimit })
        const status = m.run().modelStatus
        if (status === infeasible) return { _tag: 'Infeasible' }
        if (status !== optimal) return { _tag: 'Failed', reason: `HiGHS stopped with model status ${status}` }
        const values = m.getSolution().colValue
        const choice = new Int32Array(problem.layers.length).fill(-1)
        values.forEach((value, i) => {
          const column = parseColumn(m.getColName(i))
          if (column !== undefined && value > 0.5) choice[column.layer] = column.position
        })
        if (choice.includes(-1)) return { _tag: 'Failed', reason: 'HiGHS returned a layer with no variant chosen' }
        const objective = problem.layers.reduce((total, layer, l) => total + layer.q[choice[l]!]!, 0)
        const gap = Number(m.info.get('mip_gap'))
        return { _tag: 'Optimal', choice, objective, gap: Number.isFinite(gap) ? Math.max(0, gap) : 0 }
      })
    } catch (error) {
      discardHighs()
      return { _tag: 'Failed', reason: `HiGHS threw: ${error instanceof Error ? error.message : String(error)}`, crashed: true }
    }
  }
}
