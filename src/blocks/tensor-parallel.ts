/**
 * How heads split across a tensor-parallel group. Query heads must divide evenly;
 * when there are fewer KV heads than GPUs, each GPU holds a replica of one KV head
 * (as vLLM and TensorRT-LLM do), so KV heads per GPU never drop below one.
 */
export function headsPerGpu(heads: number, tp: number): number {
  return heads / tp
}

export function kvHeadsPerGpu(kvHeads: number, tp: number): number {
  return kvHeads >= tp ? kvHeads / tp : 1
}

/** Why `count` cannot be split over `tp` GPUs, or undefined. Splitting allows replication when count < tp and divides it. */
export function splitError(field: string, count: number, tp: number, allowReplication: boolean): string | undefined {
  if (count % tp === 0) return undefined
  if (allowReplication && count < tp && tp % count === 0) return undefined
  return `${field}: ${count} (cannot be split evenly over tp = ${tp})`
}

/** A field that must be a positive integer, with the reason when it is not. */
export function positiveIntegerError(field: string, value: number): string | undefined {
  return Number.isInteger(value) && value > 0 ? undefined : `${field}: ${value} (must be a positive integer)`
}

/** The first of several possible validation errors. */
export function firstError(...errors: readonly (string | undefined)[]): string | undefined {
  return errors.find((e) => e !== undefined)
}
