/**
 * The engine's paged KV cache on one GPU: a pool of bytes that sequences take
 * in whole blocks of `blockTokens` tokens. A sequence of L cached tokens holds
 * ⌈L / blockTokens⌉ blocks in every attention layer (capped at the window for
 * sliding-window layers) plus its recurrent state, as the blocks'
 * `kvCacheBytes` and `stateBytes` count them. The simulator allocates before
 * each step and frees on completion or preemption.
 */
import type { Architecture } from '../../blocks/architecture.ts'
import { blockModel } from '../../blocks/registry.ts'
import { executionOf, type Deployment } from '../../cost-model/deployment.ts'

export interface KvLayout {
  /** Tokens per block. */
  readonly blockTokens: number
  /** Bytes on one GPU a sequence holds with `blocks` blocks of cache (recurrent state included), memoised. */
  readonly bytesAt: (blocks: number) => number
}

/** The per-sequence cache layout of an architecture on a deployment, with the engine's block size. */
export function kvLayout(arch: Architecture, d: Deployment, blockTokens: number): KvLayout {
  const exec = executionOf(d)
  let state = 0
  for (const layer of arch.layers) for (const spec of [layer.mixer, layer.ffn]) state += blockModel(spec).stateBytes(spec, exec)
  const table: number[] = [0]
  const bytesAt = (blocks: number): number => {
    let b = table[blocks]
    if (b === undefined) {
      const tokens = blocks * blockTokens
      b = state
      for (const layer of arch.layers) for (const spec of [layer.mixer, layer.ffn]) b += blockModel(spec).kvCacheBytes(spec, exec, tokens)
      table[blocks] = b
    }
    return b
  }
  return { blockTokens, bytesAt }
}

/** Blocks holding `tokens` tokens. */
export function blocksFor(tokens: number, blockTokens: number): number {
  return Math.ceil(tokens / blockTokens)
}

/** The pool's running account: bytes in use against the capacity. */
export class KvPool {
  private usedBytes = 0
  constructor(
    readonly layout: KvLayout,
    /** Pool capacity on one GPU, bytes. */
    readonly capacity: number,
  ) {}

  get used(): number {
    return this.usedBytes
  }

  /** Grows a sequence from `fromBlocks` to `toBlocks` blocks if the pool has room; false (and nothing taken) otherwise. */
  grow(fromBlocks: number, toBlocks: number): boolean {
    if (toBlocks <= fromBlocks) return true
    const extra = this.layout.bytesAt(toBlocks) - this.layout.bytesAt(fromBlocks)
    if (this.usedBytes + extra > this.capacity) return false
    this.usedBytes += extra
    return true
  }

  /** Releases all of a sequence's `blocks` blocks. */
  release(blocks: number): void {
    this.usedBytes -= this.layout.bytesAt(blocks)
  }
}
