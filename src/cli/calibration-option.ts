/** `--calibration NAME|FILE|datasheet`: which efficiency model turns work into time. */
import type { Command } from 'commander'
import type { EfficiencyModel } from '../cost-model/efficiency.ts'

export const calibrationHelp =
  'a shipped calibration (h200-pytorch, h100-sxm-derived), a calibration JSON file, or "datasheet" for the datasheet roofline; ' +
  'default: the shipped calibration of the GPU where one exists (H200, H100 SXM), else the datasheet roofline'

export function addCalibrationOption(cmd: Command): Command {
  return cmd.option('--calibration <name|file>', calibrationHelp)
}

/** The efficiency model for a flag value; the GPU's shipped calibration, or the datasheet defaults, when none is given. */
export async function efficiencyFrom(flag: string | undefined, gpu: string | undefined): Promise<EfficiencyModel> {
  const { resolveEfficiency } = await import('../cost-model/calibration/resolve.ts')
  return resolveEfficiency(flag, gpu)
}

/** The line every costing output ends with, saying where its times come from. */
export function efficiencyNote(e: { readonly name: string; readonly source: 'datasheet' | 'calibrated'; readonly derivedFrom?: string }): string {
  if (e.source === 'datasheet')
    return 'times: datasheet roofline with default efficiencies (uncalibrated: this GPU has no shipped calibration, or --calibration datasheet was given; see README "How accurate is it?")'
  return `times: calibrated efficiencies "${e.name}"${e.derivedFrom === undefined ? '' : ` (${e.derivedFrom}, not measured on this GPU)`}`
}
