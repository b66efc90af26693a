import { describe, expect, it } from 'vitest'
import { KvPool, type KvLayout } from './kv-cache.ts'
import { Queue } from './queue.ts'
import { scheduleStep } from './scheduler.ts'
import { newSequence, type Sequence } from './sequence.ts'

/** A pool of `blocks` blocks of 16 tokens, one byte each. */
const pool = (blocks: number) => new KvPool({ blockTokens: 16, bytesAt: (b) => b } satisfies KvLayout, blocks)
const limits = { maxSequences: 4, stepTokens: 8192 }

function queue(...items: Sequence[]): Queue<Sequence> {
  const q = new Queue<Sequence>()
  for (const s of items) q.push(s)
  return q
}

/** A sequence that has its prompt cached and has sampled `generated` tokens. */
function decoding(id: number, input: number, generated: number, p: KvPool): Sequence {
  const s = newSequence(id, 0, input, 1000, -1)
  s.computed = input + generated - 1
  s.generated = generated
  s.blocks = Math.ceil(s.computed / 16)
  expect(p.grow(0, s.blocks)).toBe(true)
  return s
}

describe('scheduleStep', () => {
  it('fills the token budget with prompts in arrival order, chunking the one that overflows it', () => {
    const p = pool(10_000)
    const running: Sequence[] = []
    const a = newSequence(0, 0, 5000, 10, -1)
    const b = newSequence(1, 0, 5000, 10, -1)
    const c = newSequence(2, 0, 100, 10, -1)
    const plan = scheduleStep(running, queue(a, b, c), p, limits)
    expect(plan.scheduled.map((s) => [s.id, s.scheduled])).toEqual([
      [0, 5000],
      [1, 3192],
    ])
    expect(plan.mix.prefill).toEqual([
      { tokens: 5000, prefix: 0, count: 1 },
      { tokens: 3192, prefix: 0, count: 1 },
    ])
    expect(running).toEqual([a, b])
    expect(p.used).toBe(Math.ceil(5000 / 16) + Math.ceil(3192 / 16))
  })

  it('runs running sequences first: decodes, then the rest of a chunked prompt, then newcomers up to the sequence limit', () => {
    const p = pool(10_000)
    const d1 = decoding(0, 100, 3, p)
    const chunked = newSequence(1, 0, 9000, 10, -1)
    chunked.computed = 8000
    chunked.blocks = 500
    p.grow(0, 500)
    const running = [d1, chunked]
    const waiting = queue(newSequence(2, 0, 10, 10, -1), newSequence(3, 0, 10, 10, -1), newSequence(4, 0, 10, 10, -1))
    const plan = scheduleStep(running, waiting, p, limits)
    expect(plan.scheduled.map((s) => [s.id, s.scheduled])).toEqual([
      [0, 1],
      [1, 1000],
      [2, 10],
      [3, 10],
    ])
    expect(plan.mix.decodeSequences).toBe(1)
    expect(plan.mix.decodeContext).toBe(103)
    expect(plan.mix.prefill[0]).toEqual({ tokens: 1000, prefix: 8000, count: 1 })
    expect(waiting.length).toBe(1)
  })

  it('preempts the most recently admitted sequence when the pool cannot grow an older one, and admits nobody that step', () => {
    const p = pool(4)
    // Each holds 2 full blocks (32 tokens cached); the next decode needs a third block.
    const old = decoding(0, 30, 3, p)
    const young = decoding(1, 30, 3, p)
    const running = [old, young]
    const waiting = queue(newSequence(2, 0, 16, 10, -1))
    const plan = scheduleStep(running, waiting, p, limits)
    expect(plan.preempted).toBe(1)
    expect(plan.scheduled).toEqual([old])
    expect(running).toEqual([old])
    expect(waiting.peek()).toBe(young)
    expect(young).toMatchObject({ computed: 0, blocks: 0, preemptions: 1, generated: 3 })
    expect(p.used).toBe(3)
  })

  it('recomputes a preempted sequence’s prompt and generated tokens as one prefill when it returns', () => {
    const p = pool(100)
    const back = newSequence(0, 0, 30, 10, -1)
    back.generated = 3
    const plan = scheduleStep([], queue(back), p, limits)
    expect(plan.mix).toEqual({ decodeSequences: 0, decodeContext: 0, prefill: [{ tokens: 33, prefix: 0, count: 1 }] })
  })
})
