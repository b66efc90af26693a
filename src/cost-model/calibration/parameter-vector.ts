/**
 * The fit moves a flat vector; the calibration file holds named parameters.
 * Fractions map to the vector through the logit, so that every vector value is
 * a fraction in (0, 1); positive quantities (overheads, half points) through the log.
 */
import { parameterFamilies, type ParameterFamily, type PrecisionParameters } from './parameters.ts'

/** One fitted number: `family.field`, e.g. `gemm.halfComputeTokens`. */
export interface ParameterSlot {
  readonly family: ParameterFamily
  readonly field: string
}

const isFraction = (field: string) => field.endsWith('Fraction')

/** Every field of the given families, in a fixed order. */
export function slotsOf(families: readonly ParameterFamily[], template: PrecisionParameters): ParameterSlot[] {
  return parameterFamilies.filter((f) => families.includes(f)).flatMap((family) => Object.keys(template[family]).map((field) => ({ family, field })))
}

export function slotName(slot: ParameterSlot): string {
  return `${slot.family}.${slot.field}`
}

function field(p: PrecisionParameters, slot: ParameterSlot): number {
  return (p[slot.family] as unknown as Record<string, number>)[slot.field]!
}

export function toVector(p: PrecisionParameters, slots: readonly ParameterSlot[]): number[] {
  return slots.map((slot) => {
    const v = field(p, slot)
    return isFraction(slot.field) ? Math.log(v / (1 - v)) : Math.log(v)
  })
}

/** `base` with the slots replaced by the vector's values. */
export function fromVector(x: readonly number[], slots: readonly ParameterSlot[], base: PrecisionParameters): PrecisionParameters {
  const families: Record<string, Record<string, number>> = {}
  for (const family of parameterFamilies) families[family] = { ...(base[family] as unknown as Record<string, number>) }
  slots.forEach((slot, i) => {
    const t = x[i]!
    families[slot.family]![slot.field] = isFraction(slot.field) ? 1 / (1 + Math.exp(-t)) : Math.exp(t)
  })
  return families as unknown as PrecisionParameters
}
