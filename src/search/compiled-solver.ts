import type { CompiledProblem } from './compile.ts'

/** What an exact solver returns for a compiled problem. */
export type CompiledOutcome =
  | {
      readonly _tag: 'Optimal'
      /** Per layer, a position in the compiled layer's `options`. */
      readonly choice: Int32Array
      readonly objective: number
      /** Proven relative gap (0 when the method enumerates exactly). */
      readonly gap: number
    }
  | { readonly _tag: 'Infeasible' }
  | {
      readonly _tag: 'Failed'
      readonly reason: string
      /** True when the solver threw (its runtime was discarded), so that a retry on a fresh one may succeed. */
      readonly crashed?: boolean
    }

/** An exact method over the shared compiled form; synchronous so that it can sit in loops. */
export type CompiledSolver = (problem: CompiledProblem) => CompiledOutcome

/** Maps compiled positions back to indices into each layer's `variants`. */
export function variantIndices(problem: CompiledProblem, choice: Int32Array): number[] {
  return Array.from(choice, (position, l) => problem.layers[l]!.options[position]!)
}
