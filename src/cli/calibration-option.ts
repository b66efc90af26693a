/** `--calibration NAME|FILE`: which efficiency model turns work into time. */
import type { Command } from 'commander'
import { datasheetEfficiency, type EfficiencyModel } from '../cost-model/efficiency.ts'

export function addCalibrationOption(cmd: Command): Command {
  return cmd.option('--calibration <name|file>', 'a shipped calibration (e.g. h200-pytorch) or a calibration JSON file; default: datasheet roofline')
}

/** The efficiency model for a flag value; the datasheet defaults when none is given. */
export async function efficiencyFrom(flag: string | undefined, gpu: string | undefined): Promise<EfficiencyModel> {
  if (flag === undefined) return datasheetEfficiency
  // Loaded on demand: most runs use the datasheet model and need not read calibration files.
  const { resolveCalibration } = await import('../cost-model/calibration/resolve.ts')
  return resolveCalibration(flag, gpu)
}

/** The line every costing output ends with, saying where its times come from. */
export function efficiencyNote(e: { readonly name: string; readonly source: 'datasheet' | 'calibrated' }): string {
  return e.source === 'datasheet'
    ? 'times: datasheet roofline with default efficiencies (uncalibrated; pass --calibration h200-pytorch for fitted ones, see README "How accurate is it?")'
    : `times: calibrated efficiencies "${e.name}"`
}
