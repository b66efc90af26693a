export type {
  AllowedVariants,
  AtLeastTagged,
  Budget,
  FixedVariant,
  LayerConstraint,
  Objective,
  Quantities,
  SearchLayer,
  SearchProblem,
  Variant,
} from './problem.ts'
export { budgetValue, objectiveOf } from './problem.ts'
export type { OptimalityProof, SearchSolution, SolverMethod, Totals } from './solution.ts'
export { budgetTolerance, budgetTotal, solutionOf, totalsOf, violationsOf, type Violation } from './evaluate.ts'
export { InvalidSearchProblem, SearchInfeasible, SolverFailed } from './errors.ts'
export { solve, type SolveError, type SolveMethod, type SolveOptions } from './solve.ts'
export { bruteForce } from './brute-force.ts'
export { paretoFrontier, type Frontier, type FrontierOptions, type FrontierPoint } from './frontier.ts'
export { diverseTopK, type TopKOptions } from './top-k.ts'
export { loadHighs } from './highs.ts'
export { syntheticPuzzleProblem, type SyntheticOptions } from './synthetic.ts'
export { decodePuzzleLibrary, libraryProblem, parentChoice, libraryDims, type LibraryLayers, type LibraryProblemOptions } from './puzzle-library.ts'
export { parseProblemExport, problemExport, problemJson, problemKind, problemVersion, type ProblemExport, type ProblemPlan } from './export/problem-json.ts'
export { mpsColumn, parseMpsColumn, problemMps } from './export/mps.ts'
export { verifyChild, type ClaimedChild, type Verification, type Verified } from './export/verify.ts'
