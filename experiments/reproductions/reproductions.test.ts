import { describe, expect, it } from 'vitest'
import { reproductions } from './index.ts'
import { isLargeGap, isNotReproduced, yesNo, type ReproductionRow } from './row.ts'

const results = new Map<string, readonly ReproductionRow[]>()
async function rowsOf(id: string): Promise<readonly ReproductionRow[]> {
  let rows = results.get(id)
  if (rows === undefined) {
    const reproduction = reproductions.find((r) => r.id === id)
    if (reproduction === undefined) throw new Error(`no reproduction ${id}`)
    results.set(id, (rows = await reproduction.rows()))
  }
  return rows
}

/** The published figures a row must carry, by quantity fragment. */
function paperFigure(rows: readonly ReproductionRow[], fragment: string): number | null | undefined {
  return rows.find((r) => r.quantity.includes(fragment))?.paper
}

describe.each(reproductions.map((r) => [r.id, r] as const))('reproduction %s', (id, reproduction) => {
  it('produces rows whose fields are filled and whose numbers are finite', async () => {
    const rows = await rowsOf(id)
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) {
      for (const text of [r.experiment, r.quantity, r.unit, r.setup, r.note]) expect(text.length).toBeGreaterThan(0)
      for (const n of [r.paper, r.nasSim, r.ratio]) if (n !== null) expect(Number.isFinite(n)).toBe(true)
    }
    expect(rows.some((r) => r.nasSim !== null)).toBe(true)
  })

  it('derives every ratio from its two figures', async () => {
    for (const r of await rowsOf(id)) {
      if (r.paper === null || r.nasSim === null) expect(r.ratio).toBeNull()
      else if (r.unit === yesNo) expect(r.ratio).toBe(r.paper === r.nasSim ? 1 : 0)
      else expect(r.ratio).toBeCloseTo(r.nasSim / r.paper, 12)
    }
  })

  it('explains every gap larger than 10% and every figure it cannot reproduce, without failing on a miss', async () => {
    const rows = await rowsOf(id)
    for (const r of rows.filter((x) => isLargeGap(x) || isNotReproduced(x))) expect(reproduction.explainGap(r, rows).length).toBeGreaterThan(40)
  })

  it('names its sources', () => {
    expect(reproduction.sources.length).toBeGreaterThan(0)
  })
})

/** The row whose quantity contains `fragment`; a missing row fails the test. */
function rowOf(rows: readonly ReproductionRow[], fragment: string): ReproductionRow {
  const row = rows.find((r) => r.quantity.includes(fragment))
  if (row === undefined) throw new Error(`no row with ${fragment}`)
  return row
}

describe('published figures carried by the rows', () => {
  it('Puzzle: 2.17× at the paper’s settings and 5.08× on one GPU, 6,472 / 2,975 / 1,274 tokens/s/GPU', async () => {
    // Puzzle paper (arXiv:2411.19146) and NVIDIA's Nemotron-51B technical blog (2024), 128 in / 1024 out, H100, FP8.
    const rows = await rowsOf('puzzle-51b')
    expect(paperFigure(rows, 'text generation: throughput ratio 51B / 70B at the paper’s settings')).toBe(2.17)
    expect(paperFigure(rows, 'text generation: throughput ratio 51B / 70B, both on one H100')).toBe(5.08)
    expect(paperFigure(rows, 'text generation: Nemotron-51B tokens/s/GPU at the paper’s TP1')).toBe(6472)
    expect(paperFigure(rows, 'text generation: Llama-3.1-70B tokens/s/GPU at the paper’s TP4')).toBe(2975)
    expect(paperFigure(rows, 'text generation: Llama-3.1-70B tokens/s/GPU on one H100')).toBe(1274)
    expect(paperFigure(rows, 'text generation: Nemotron-51B: best tensor-parallel degree')).toBe(1)
    expect(paperFigure(rows, 'text generation: Llama-3.1-70B: best tensor-parallel degree')).toBe(4)
  })

  it('Nemotron-H: about 2.4× (56B) and 2.9× (47B) against both 70B-class baselines', async () => {
    // Nemotron-H paper (arXiv:2504.03624), 65,536 in / 1,024 out on H100.
    const rows = await rowsOf('nemotron-h')
    for (const r of rows) expect(r.paper).toBe(r.quantity.startsWith('Nemotron-H-56B') ? 2.4 : 2.9)
  })

  it('Hymba: 79 vs 918 MB of cache (11.67×) and 664 vs 191 tokens/s (3.49×)', async () => {
    // Hymba paper (arXiv:2411.13676), A100, FP16, 8,000-token sequences.
    const rows = await rowsOf('hymba')
    expect(paperFigure(rows, 'Hymba-1.5B KV cache')).toBe(79)
    expect(paperFigure(rows, 'Llama-3.2-3B KV cache')).toBe(918)
    expect(paperFigure(rows, 'KV cache ratio')).toBe(11.67)
    expect(paperFigure(rows, 'Hymba-1.5B output tokens/s')).toBe(664)
    expect(paperFigure(rows, 'Llama-3.2-3B output tokens/s')).toBe(191)
    expect(paperFigure(rows, 'throughput ratio')).toBe(3.49)
  })

  it('Nemotron-4 340B: fits one DGX H100 in FP8, not in BF16, and in BF16 on 8× H200 or 16× H100', async () => {
    // Nemotron-4 340B model card.
    const rows = await rowsOf('nemotron4-340b')
    expect(paperFigure(rows, 'DGX H100 (8× H100 SXM5, 640 GB) in FP8')).toBe(1)
    expect(paperFigure(rows, 'DGX H100 (8× H100 SXM5, 640 GB) in BF16')).toBe(0)
    expect(paperFigure(rows, 'DGX H200')).toBe(1)
    expect(paperFigure(rows, '16× H100')).toBe(1)
  })

  it('search: the published children’s parameter counts and attention layers from their configs', async () => {
    // Nemotron-51B: 51.5 B (model card); Super-49B: 49.867 B (../shared/reference/README.md);
    // attention kept in 54 of 80 layers (51B block list) and 49 of 80 (Super-49B config).
    const rows = await rowsOf('search-children')
    expect(paperFigure(rows, 'Nemotron-51B, Puzzle constraints: parameters')).toBe(51.5e9)
    expect(paperFigure(rows, 'Super-49B, Puzzle constraints: parameters')).toBe(49.867e9)
    expect(paperFigure(rows, 'Nemotron-51B, Puzzle constraints: layers keeping attention')).toBe(54)
    expect(paperFigure(rows, 'Super-49B, Puzzle constraints: layers keeping attention')).toBe(49)
  })
})

describe('what the reproductions run', () => {
  it('Puzzle: serves both models with TensorRT-LLM in flight, at the paper’s concurrency caps, which memory admits', async () => {
    const rows = await rowsOf('puzzle-51b')
    for (const r of rows.filter((x) => x.unit === 'tokens/s/GPU')) expect(r.setup).toContain('TensorRT-LLM, in-flight batching')
    // "Batch 256" and "batch 384" are max_batch_size: the concurrency is the cap when the KV pool holds that many.
    expect(rowOf(rows, 'Nemotron-51B tokens/s/GPU at the paper’s TP1').setup).toContain('TP 1, 256 concurrent')
    expect(rowOf(rows, 'Llama-3.1-70B tokens/s/GPU at the paper’s TP4').setup).toContain('TP 4, 384 concurrent')
  })

  it('Puzzle: the 70B alone on one H100 runs a few dozen sequences, each reserving its whole 1,152 tokens', async () => {
    // 72.7 GB of weights leave TensorRT-LLM about 11 GB of KV pool; at 163,840 B per token (FP8) and 36 blocks of
    // 32 tokens per request, that is under 70 sequences, where the 51B holds the paper's 256.
    const row = rowOf(rows70bOneGpu(await rowsOf('puzzle-51b')), 'text generation')
    const inFlight = Number(/TP 1, (\d+) concurrent/.exec(row.setup)?.[1])
    expect(inFlight).toBeGreaterThan(30)
    expect(inFlight).toBeLessThan(70)
  })

  it('Puzzle: a multi-GPU miss is explained with the step the published figure implies and the all-reduce time', async () => {
    const rows = await rowsOf('puzzle-51b')
    const tp4 = rowOf(rows, 'Llama-3.1-70B tokens/s/GPU at the paper’s TP4')
    expect(tp4.note).toMatch(/nas-sim step [\d.]+ ms: FFN [\d.]+, attention [\d.]+, all-reduce [\d.]+/)
    expect(tp4.note).toMatch(/the published figure implies [\d.]+ ms at the same concurrency/)
    const puzzle = reproductions.find((r) => r.id === 'puzzle-51b')!
    if (isLargeGap(tp4)) expect(puzzle.explainGap(tp4, rows)).toMatch(/implies a mean engine step of [\d.]+ ms/)
  })

  it('Puzzle: reports nas-sim’s best tensor-parallel degree for each model, one the system offers', async () => {
    const rows = await rowsOf('puzzle-51b')
    for (const name of ['Nemotron-51B', 'Llama-3.1-70B']) expect([1, 2, 4, 8]).toContain(rowOf(rows, `${name}: best tensor-parallel degree`).nasSim)
  })

  it('Nemotron-H: every hybrid out-serves both dense baselines at 65,536 / 1,024 under one engine (vLLM, in flight)', async () => {
    for (const r of await rowsOf('nemotron-h')) {
      expect(r.setup).toContain('vLLM, in-flight batching')
      expect(r.nasSim!).toBeGreaterThan(1.5)
    }
  })

  it('Hymba: runs static batches, 128 for Hymba and 64 for Llama-3.2-3B, and its cache within 2% of the paper', async () => {
    const rows = await rowsOf('hymba')
    for (const r of rows.filter((x) => x.quantity.includes('throughput ratio'))) expect(r.setup).toContain('static batches 128 and 64')
    // KV-cache size depends on the architecture only: 79 and 918 MB (Hymba paper).
    for (const fragment of ['Hymba-1.5B KV cache', 'Llama-3.2-3B KV cache']) expect(Math.abs(rowOf(rows, fragment).ratio! - 1)).toBeLessThan(0.02)
  })

  it('Nemotron-4 340B: every published fit agrees, under every engine’s memory policy', async () => {
    const rows = await rowsOf('nemotron4-340b')
    for (const r of rows.filter((x) => x.paper !== null && x.unit === yesNo)) expect(r.ratio).toBe(1)
    for (const r of rows.filter((x) => x.quantity.startsWith('fits on'))) expect(r.setup).toMatch(/TensorRT-LLM and SGLang agree$/)
  })
})

function rows70bOneGpu(rows: readonly ReproductionRow[]): readonly ReproductionRow[] {
  return rows.filter((r) => r.quantity.includes('Llama-3.1-70B tokens/s/GPU on one H100'))
}
