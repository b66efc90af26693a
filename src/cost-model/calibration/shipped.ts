/**
 * Calibrations that ship with nas-sim, as files under data/calibrations/ at the
 * package root. An explicit list, so that a stray file is never a calibration.
 */
export const shippedCalibrations = ['h200-pytorch', 'h100-sxm-derived'] as const

export type ShippedCalibration = (typeof shippedCalibrations)[number]

export function isShippedCalibration(name: string): name is ShippedCalibration {
  return (shippedCalibrations as readonly string[]).includes(name)
}

/** The file of a shipped calibration: data/calibrations/NAME.json, four levels above this module. */
export function shippedCalibrationUrl(name: ShippedCalibration): URL {
  return new URL(`../../../data/calibrations/${name}.json`, import.meta.url)
}

/**
 * The shipped calibration used when none is named, per GPU id: the one fitted
 * on that GPU, or derived for it (h100-sxm-derived, from h200-pytorch: same
 * chip, slower memory; derive.ts). GPUs without one use the datasheet roofline.
 */
const defaultCalibrations: Readonly<Record<string, ShippedCalibration>> = {
  h200: 'h200-pytorch',
  'h100-sxm': 'h100-sxm-derived',
}

export function defaultCalibrationFor(gpuId: string): ShippedCalibration | undefined {
  return defaultCalibrations[gpuId]
}
