import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { presetArchitecture } from '../../io/presets.ts'
import { minitronSpace, widthSettings, type WidthSetting } from '../space/minitron.ts'
import { axisScores, depthQuality, measuredWidthQuality, minitronPriorScales, parseAxisScores, priorWidthQuality } from './minitron-quality.ts'
import { priorKl } from './prior.ts'

const nh8b = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))
const space = Result.getOrThrow(minitronSpace(nh8b, undefined))
const plan = space.minitron!
const prior = priorWidthQuality(nh8b, plan)
const settings = widthSettings(plan.grid, plan.parent)
const kl = (w: WidthSetting) => prior.widthLoss(w).kl_div!

describe('the Minitron width prior', () => {
  it('charges nothing at the parent’s widths', () => {
    expect(kl(plan.parent)).toBe(0)
  })

  it('never charges less for pruning more on any axis', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: settings.length - 1 }), fc.integer({ min: 0, max: settings.length - 1 }), (i, j) => {
        const a = settings[i]!
        const b = settings[j]!
        const atLeastAsPruned =
          b.hidden <= a.hidden &&
          b.ffn! <= a.ffn! &&
          b.mamba!.groups <= a.mamba!.groups &&
          b.mamba!.headsPerGroup * b.mamba!.groups <= a.mamba!.headsPerGroup * a.mamba!.groups
        if (atLeastAsPruned) expect(kl(b)).toBeGreaterThanOrEqual(kl(a) - 1e-15)
      }),
      { numRuns: 300 },
    )
  })

  it('charges more for removing whole groups than for the same heads removed within groups', () => {
    // 96 heads either way: 8 groups × 12, or 6 groups × 16.
    const within = kl({ ...plan.parent, mamba: { groups: 8, headsPerGroup: 12, headDim: 64 } })
    const groups = kl({ ...plan.parent, mamba: { groups: 6, headsPerGroup: 16, headDim: 64 } })
    expect(groups - within).toBeGreaterThan(0)
  })

  it('charges a dropped attention layer of a hybrid mixers/attention times the block prior (7 in Nemotron-H-8B)', () => {
    const noop = { type: 'noop', hidden: 4096 } as const
    const layer = nh8b.layers[7]!
    expect(prior.dropLoss(7, 'mixer').kl_div).toBeCloseTo(7 * priorKl(7, 52, layer, noop, layer.ffn), 12)
    // A Mamba or MLP layer costs the block prior's no-op.
    expect(prior.dropLoss(0, 'mixer').kl_div).toBeCloseTo(priorKl(0, 52, nh8b.layers[0]!, noop, nh8b.layers[0]!.ffn), 12)
    expect(minitronPriorScales.mambaGroupLoss).toBeGreaterThan(0)
  })

  it('scores a depth variant by the slots it drops', () => {
    const q = depthQuality(prior)
    const menu = space.layers[1]!
    const keep = q.score(1, nh8b.layers[1]!, menu.mixers[0]!, menu.ffns[0]!, 52)
    const drop = q.score(1, nh8b.layers[1]!, menu.mixers[0]!, menu.ffns[1]!, 52)
    expect(keep.metrics.kl_div).toBe(0)
    expect(drop.metrics.kl_div).toBe(prior.dropLoss(1, 'ffn').kl_div)
    expect(drop.fromPrior).toBe(true)
  })
})

/** A scores file for a small grid: hidden 4096/3072, FFN 21504/12288, Mamba 8×16/8×14, every layer droppable. */
function smallScores(): string {
  const rows = ['axis,value,kl_div,mmlu_drop', 'hidden,3072,0.2,0.02', 'ffn,12288,0.1,0.01', 'mamba,8x14,0.03,0.001']
  for (let l = 0; l < 52; l++) rows.push(`drop,${l},${(0.01 + l / 1000).toFixed(3)},0.002`)
  return rows.join('\n')
}

const smallSpace = Result.getOrThrow(
  minitronSpace(nh8b, { hidden: [4096, 3072], ffn: [21504, 12288], mambaGroups: [8], mambaHeadsPerGroup: [16, 14], mambaHeadDim: [64], depth: true }, 'g.json'),
)

describe('per-axis scores files', () => {
  it('add up the axes of a setting and the layers dropped, for every metric', () => {
    const table = Result.getOrThrow(parseAxisScores(smallScores(), 's.csv'))
    const q = Result.getOrThrow(measuredWidthQuality(table, nh8b, smallSpace.minitron!))
    expect(q.metrics).toEqual(['kl_div', 'mmlu_drop'])
    expect(q.widthLoss({ hidden: 3072, ffn: 12288, mamba: { groups: 8, headsPerGroup: 14, headDim: 64 } })).toEqual({ kl_div: 0.2 + 0.1 + 0.03, mmlu_drop: 0.02 + 0.01 + 0.001 })
    expect(q.widthLoss(smallSpace.minitron!.parent)).toEqual({ kl_div: 0, mmlu_drop: 0 })
    expect(q.dropLoss(5, 'mixer')).toEqual({ kl_div: 0.015, mmlu_drop: 0.002 })
    expect(q.unusedRows).toEqual([])
  })

  it('list the rows no grid value or layer uses', () => {
    const table = Result.getOrThrow(parseAxisScores(`${smallScores()}\nffn,9000,0.3,0.03\ndrop,60,0.1,0.01`, 's.csv'))
    const q = Result.getOrThrow(measuredWidthQuality(table, nh8b, smallSpace.minitron!))
    expect(q.unusedRows).toEqual(['ffn 9000', 'drop 60'])
  })

  it('name the first grid value or layer without a row', () => {
    const table = Result.getOrThrow(parseAxisScores(smallScores().replace('ffn,12288,0.1,0.01\n', ''), 's.csv'))
    const r = measuredWidthQuality(table, nh8b, smallSpace.minitron!)
    expect(Result.isFailure(r) && r.failure.message).toBe('invalid s.csv: no row for ffn value 12288 (the grid offers it; add a row, or leave the value out of the grid)')
    const noDrop = Result.getOrThrow(parseAxisScores(smallScores().replace(/\ndrop,51,.*$/, ''), 's.csv'))
    const d = measuredWidthQuality(noDrop, nh8b, smallSpace.minitron!)
    expect(Result.isFailure(d) && d.failure.message).toMatch(/no row for drop value 51/)
  })

  it('reject bad rows in one line naming the row and field', () => {
    const bad = (text: string) => {
      const r = parseAxisScores(`axis,value,kl_div\n${text}`, 's.csv')
      return Result.isFailure(r) ? r.failure.message : 'accepted'
    }
    expect(bad('width,3072,0.1')).toBe('invalid s.csv: row 1: axis: width (expected one of hidden, ffn, mamba, drop)')
    expect(bad('mamba,14,0.1')).toBe('invalid s.csv: row 1: value: 14 (expected groups x heads per group, e.g. 8x14, or with head channels, 8x14x64)')
    expect(bad('ffn,12288.5,0.1')).toBe('invalid s.csv: row 1: value: 12288.5 (expected a width, a positive integer)')
    expect(bad('drop,3,-0.1')).toBe('invalid s.csv: row 1: kl_div: -0.1 (a loss against the parent is never below zero)')
    expect(bad('drop,3,0x10')).toBe('invalid s.csv: row 1: kl_div: 0x10 (expected a number)')
    expect(bad('drop,3,0.1\ndrop,3,0.2')).toBe('invalid s.csv: row 2: drop 3 is scored twice')
    const layerScores = parseAxisScores('layer,variant,kl_div\n3,ffn:50%,0.1', 's.csv')
    expect(Result.isFailure(layerScores) && layerScores.failure.message).toMatch(/this is the Minitron per-axis format/)
  })

  it('never throw on garbage rows: each is a value or a one-line error', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('axis', 'value', 'kl_div', 'x'), fc.oneof(fc.string(), fc.double(), fc.integer())), { maxLength: 5 }), (rows) => {
        const r = axisScores(rows, 's.json')
        if (Result.isFailure(r)) expect(r.failure.message).not.toMatch(/\n/)
        else for (const m of r.success.rows.values()) for (const v of Object.values(m)) expect(v).toBeGreaterThanOrEqual(0)
      }),
    )
  })
})
