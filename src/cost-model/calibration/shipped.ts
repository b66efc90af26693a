/**
 * Calibrations that ship with nas-sim, as files under data/calibrations/ at the
 * package root. An explicit list, so that a stray file is never a calibration.
 */
export const shippedCalibrations = ['h200-pytorch'] as const

export type ShippedCalibration = (typeof shippedCalibrations)[number]

export function isShippedCalibration(name: string): name is ShippedCalibration {
  return (shippedCalibrations as readonly string[]).includes(name)
}

/** The file of a shipped calibration: data/calibrations/NAME.json, four levels above this module. */
export function shippedCalibrationUrl(name: ShippedCalibration): URL {
  return new URL(`../../../data/calibrations/${name}.json`, import.meta.url)
}
