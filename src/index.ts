/**
 * nas-sim as a library. Two ways in:
 * - the Promise functions below (`cost`, `search`, `pareto`), which take the
 *   same plain options as the CLI's flags and reject with nas-sim's one-line
 *   errors, so that a caller need not know Effect;
 * - the Effect API they are built on (`requestFromOptions`, `runSearch`,
 *   `runFrontier`), whose typed failures a caller can match on.
 * Block costs (`predict`, `architectureCost`), the serving simulator
 * (`simulate`) and the plots (`frontierSvg`, `architectureMapSvg`,
 * `breakdownSvg`, `svgToPng`, `reportHtml`) are plain functions.
 */
export { cost, pareto, search, type CostOptions } from './promise-api.ts'

export { requestFromOptions, type SearchOptions } from './search/pipeline/options.ts'
export { runSearch, type PlanProgress, type RunSearchOptions } from './search/pipeline/run-search.ts'
export { runFrontier, type FrontierResult, type FrontierRunOptions } from './search/pipeline/run-frontier.ts'
export type { SearchRequest } from './search/pipeline/request.ts'
export type { ChildArchitecture, SearchResult } from './search/pipeline/result.ts'
export { parseProblemExport, problemExport, problemJson, type ProblemExport, type ProblemPlan } from './search/export/problem-json.ts'
export { problemMps } from './search/export/mps.ts'
export { verifyChild, type ClaimedChild, type Verification } from './search/export/verify.ts'

export { architectureCost, type ArchitectureCost } from './serving/architecture-cost.ts'
export { predict } from './cost-model/predict.ts'
export { simulate, type SimulationOptions } from './serving/simulator/simulate.ts'
export type { Workload } from './serving/simulator/workload.ts'

export { loadModel } from './io/load-model.ts'
export { exportDeciLm } from './io/decilm-export.ts'
export { exportHymba } from './io/hymba-export.ts'
export { exportNemotronH } from './io/nemotron-h-export.ts'
export { importHfConfig } from './io/hf-config.ts'
export { presetArchitecture, presetIds, presets } from './io/presets.ts'
export type { Architecture, LayerChoice } from './blocks/architecture.ts'
export { fuseRuns, fusionRuns, maximalRuns, type FusedRun } from './blocks/ffn-fusion.ts'
export type { FusionReport } from './search/fusion/fuse-child.ts'

export { architectureMapSvg, breakdownSvg, frontierSvg, reportHtml, svgToPng } from '../viz/index.ts'
export type { ArchitectureMapInput, BreakdownInput, FrontierPlotInput, ReportInput } from '../viz/index.ts'
