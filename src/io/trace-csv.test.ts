import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { parseTraceCsv } from './trace-csv.ts'

describe('parseTraceCsv', () => {
  it('reads arrival, input and output by header name, quoted or not, with aliases and extra columns', () => {
    const r = parseTraceCsv('request_id,arrival_time,prompt_tokens,output_tokens\na,0,512,"128"\nb,1.25,2048,64\n', 't.csv')
    expect(Result.getOrThrow(r)).toEqual([
      { arrival: 0, input: 512, output: 128 },
      { arrival: 1.25, input: 2048, output: 64 },
    ])
  })

  it('round-trips any well-formed trace', () => {
    const rows = fc.array(fc.record({ arrival: fc.double({ min: 0, max: 1e6, noNaN: true }), input: fc.integer({ min: 1, max: 1e6 }), output: fc.integer({ min: 1, max: 1e5 }) }), { minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(rows, (rs) => {
        const text = `arrival,input,output\n${rs.map((r) => `${r.arrival},${r.input},${r.output}`).join('\n')}\n`
        expect(Result.getOrThrow(parseTraceCsv(text, 't.csv'))).toEqual(rs.map((r) => ({ ...r, arrival: Object.is(r.arrival, -0) ? 0 : r.arrival })))
      }),
    )
  })

  it('rejects garbage in any field with one line naming the file, line and column', () => {
    const garbage = fc.oneof(fc.constantFrom('', 'x', '-3', '1.5', 'NaN', 'Infinity', '1e400'), fc.string().filter((s) => !/^\s*\d+\s*$/.test(s) && !s.includes(',') && !s.includes('"') && !/[\r\n]/.test(s)))
    fc.assert(
      fc.property(garbage, fc.constantFrom('input', 'output'), (bad, column) => {
        const row = column === 'input' ? `0,${bad},5` : `0,5,${bad}`
        const r = parseTraceCsv(`arrival,input,output\n0,1,1\n${row}\n`, 't.csv')
        expect(Result.isFailure(r)).toBe(true)
        if (Result.isFailure(r)) expect(r.failure.message).toMatch(new RegExp(`^invalid t\\.csv: line 3: ${column}: "`))
      }),
    )
  })

  it('names a missing column and an empty trace', () => {
    const missing = parseTraceCsv('arrival,input\n0,1\n', 't.csv')
    expect(Result.isFailure(missing) && missing.failure.message).toBe('invalid t.csv: no output column (expected a header with output or output_tokens; found arrival, input)')
    const empty = parseTraceCsv('arrival,input,output\n', 't.csv')
    expect(Result.isFailure(empty) && empty.failure.message).toBe('invalid t.csv: no requests (expected a header row, then one row per request)')
  })
})
