import { describe, expect, it } from 'vitest'
import { resolveJob } from './job.ts'
import type { ResultRecord } from './results-log.ts'
import { csvCell, groupResults, summaryCsv } from './summary.ts'

const jobFor = (parent: string, speedup: number) =>
  resolveJob({ parent, gpu: 'h200', tp: 1, weights: 'bf16', activations: 'bf16', kv: 'bf16', batch: 'auto', input: 128, output: 1024, speedup, space: 'puzzle', engine: 'vllm', batching: 'inflight', top: 1 })
const jobs = [
  { id: 'aaaaaaaaaaaa', job: jobFor('llama-3.1-8b', 2) },
  { id: 'bbbbbbbbbbbb', job: jobFor('llama-3.1-8b', 3) },
  { id: 'cccccccccccc', job: jobFor('qwen-2.5-72b', 2) },
]
const records = new Map<string, ResultRecord>([
  ['aaaaaaaaaaaa', { id: 'aaaaaaaaaaaa', job: jobs[0]!.job, status: 'ok', result: { quality: 0.9 }, seconds: 0.1, finishedAt: '' }],
  ['bbbbbbbbbbbb', { id: 'bbbbbbbbbbbb', job: jobs[1]!.job, status: 'failed', error: 'infeasible, "3x"', seconds: 0.2, finishedAt: '' }],
])

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks and leaves other text alone', () => {
    expect([csvCell('a,b'), csvCell('say "hi"'), csvCell('a\nb'), csvCell(2.5), csvCell(undefined), csvCell('plain')]).toEqual([
      '"a,b"',
      '"say ""hi"""',
      '"a\nb"',
      '2.5',
      '',
      'plain',
    ])
  })
})

describe('summaryCsv', () => {
  it('has one row per job in spec order, with status, fields, error and result columns', () => {
    const csv = summaryCsv(jobs, records, [{ name: 'quality', value: (result) => (result as { quality: number }).quality }])
    const lines = csv.trimEnd().split('\n')
    expect(lines[0]).toBe('id,group,status,parent,gpu,tp,weights,activations,kv,batch,input,output,speedup,throughput,latency,memory,params,space,scores,top,seconds,error,quality')
    expect(lines[1]).toBe(`aaaaaaaaaaaa,${jobs[0]!.job.group},ok,llama-3.1-8b,h200,1,bf16,bf16,bf16,auto,128,1024,2,,,,,puzzle,,1,0.1,,0.9`)
    expect(lines[2]).toBe(`bbbbbbbbbbbb,${jobs[1]!.job.group},failed,llama-3.1-8b,h200,1,bf16,bf16,bf16,auto,128,1024,3,,,,,puzzle,,1,0.2,"infeasible, ""3x""",`)
    expect(lines[3]).toMatch(/^cccccccccccc,.*,pending,qwen-2.5-72b,/)
  })
})

describe('groupResults', () => {
  it('gathers the results of each group, leaving out groups without any', () => {
    const groups = groupResults(jobs, records, '/out')
    expect(groups).toHaveLength(1)
    expect(groups[0]?.group).toBe(jobs[0]!.job.group)
    expect(groups[0]?.ok.map(({ id }) => id)).toEqual(['aaaaaaaaaaaa'])
    expect(groups[0]?.failed.map(({ id }) => id)).toEqual(['bbbbbbbbbbbb'])
    expect(groups[0]?.out).toBe('/out')
  })
})
