/**
 * The fit moves a flat vector; the calibration file holds named parameters.
 * Fractions map to the vector through the logit, so that every vector value is
 * a fraction in (0, 1); positive quantities (overheads, half points, head-dim
 * speeds) through the log.
 */
import { parameterFamilies, type ParameterFamily, type PrecisionParameters } from './parameters.ts'

/** One fitted number: `family.field`, or `family.field.key` inside a table such as `headDimSpeeds`. */
export interface ParameterSlot {
  readonly family: ParameterFamily
  readonly field: string
  readonly key?: string
}

type Fields = Record<string, number | Record<string, number>>

/** Fractions live in the vector as logits; everything else as logarithms. */
export const isFractionSlot = (slot: ParameterSlot) => slot.key === undefined && slot.field.endsWith('Fraction')

function fieldsOf(p: PrecisionParameters, family: ParameterFamily): Fields {
  return p[family] as unknown as Fields
}

/** Every number of the given families, in a fixed order. */
export function slotsOf(families: readonly ParameterFamily[], template: PrecisionParameters): ParameterSlot[] {
  return parameterFamilies
    .filter((f) => families.includes(f))
    .flatMap((family) =>
      Object.entries(fieldsOf(template, family)).flatMap(([field, value]) =>
        typeof value === 'number' ? [{ family, field }] : Object.keys(value).map((key) => ({ family, field, key })),
      ),
    )
}

export function slotName(slot: ParameterSlot): string {
  return slot.key === undefined ? `${slot.family}.${slot.field}` : `${slot.family}.${slot.field}.${slot.key}`
}

/** The number a slot names. */
export function parameterValue(p: PrecisionParameters, slot: ParameterSlot): number {
  const v = fieldsOf(p, slot.family)[slot.field]!
  return typeof v === 'number' ? v : v[slot.key!]!
}

export function toVector(p: PrecisionParameters, slots: readonly ParameterSlot[]): number[] {
  return slots.map((slot) => {
    const v = parameterValue(p, slot)
    return isFractionSlot(slot) ? Math.log(v / (1 - v)) : Math.log(v)
  })
}

/** `base` with the slots replaced by the vector's values. */
export function fromVector(x: readonly number[], slots: readonly ParameterSlot[], base: PrecisionParameters): PrecisionParameters {
  const families: Record<string, Fields> = {}
  for (const family of parameterFamilies) {
    families[family] = Object.fromEntries(Object.entries(fieldsOf(base, family)).map(([k, v]) => [k, typeof v === 'number' ? v : { ...v }]))
  }
  slots.forEach((slot, i) => {
    const t = x[i]!
    const value = isFractionSlot(slot) ? 1 / (1 + Math.exp(-t)) : Math.exp(t)
    const fields = families[slot.family]!
    if (slot.key === undefined) fields[slot.field] = value
    else (fields[slot.field] as Record<string, number>)[slot.key] = value
  })
  return families as unknown as PrecisionParameters
}

/** The parameters with every number passed through `f`, which is told the number's field name (for rounding). */
export function mapParameters(p: PrecisionParameters, f: (v: number, field: string) => number): PrecisionParameters {
  const mapField = (field: string, v: number | Record<string, number>) =>
    typeof v === 'number' ? f(v, field) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x, field)]))
  const families = parameterFamilies.map((family) => [family, Object.fromEntries(Object.entries(fieldsOf(p, family)).map(([k, v]) => [k, mapField(k, v)]))])
  return Object.fromEntries(families) as unknown as PrecisionParameters
}
