import { resolveCalibration } from '../../src/cost-model/calibration/resolve.ts'
import { datasheetEfficiency, type EfficiencyModel } from '../../src/cost-model/efficiency.ts'

/** An efficiency model with the label the results show. */
export interface LabelledEfficiency {
  readonly label: string
  readonly model: EfficiencyModel
}

/** The default: datasheet peaks with the cited achievable fractions. */
export const datasheet: LabelledEfficiency = { label: 'datasheet roofline', model: datasheetEfficiency }

/** The calibration nas-sim ships for the H200 (fitted to PyTorch measurements on this workplace's H200s). */
export const h200CalibrationName = 'h200-pytorch'

/** The calibrated H200 model, or why it cannot be used (e.g. its file is not there yet). */
export type CalibratedModel =
  | { readonly available: true; readonly efficiency: LabelledEfficiency }
  | { readonly available: false; readonly reason: string }

let h200: Promise<CalibratedModel> | undefined

/** Loaded once per run; a missing or invalid calibration is reported, not thrown. */
export function calibratedH200(): Promise<CalibratedModel> {
  h200 ??= resolveCalibration(h200CalibrationName, 'h200').then(
    (model): CalibratedModel => ({ available: true, efficiency: { label: `calibrated (${model.name})`, model } }),
    (error: unknown): CalibratedModel => ({ available: false, reason: error instanceof Error ? error.message : String(error) }),
  )
  return h200
}
