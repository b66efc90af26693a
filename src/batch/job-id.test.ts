import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, jobId } from './job-id.ts'

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}')
  })
})

describe('jobId', () => {
  it('is 12 hex digits, the same for any key order', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]))
          : value
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jobId(value)).toMatch(/^[0-9a-f]{12}$/)
        expect(jobId(reversed(value))).toBe(jobId(value))
      }),
    )
  })

  it('tells apart jobs that differ in one field', () => {
    expect(jobId({ parent: 'llama-3.1-8b', speedup: 2 })).not.toBe(jobId({ parent: 'llama-3.1-8b', speedup: 3 }))
  })
})
