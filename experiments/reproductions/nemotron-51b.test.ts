import { describe, expect, it } from 'vitest'
import { architectureParams } from '../../src/blocks/architecture-params.ts'
import { fromConfig } from './models.ts'
import { nemotron51bConfig, nemotron51bPublishedParams } from './nemotron-51b.ts'

describe('the Nemotron-51B block list', () => {
  const arch = fromConfig(nemotron51bConfig, 'Nemotron-51B')

  it('has 80 layers like its parent Llama-3.1-70B', () => {
    expect(arch.layers).toHaveLength(80)
  })

  it('adds up to the published 51.5 B parameters within 0.1%', () => {
    // Model card, huggingface.co/nvidia/Llama-3_1-Nemotron-51B-Instruct: 51.5 B parameters.
    expect(Math.abs(architectureParams(arch) / nemotron51bPublishedParams - 1)).toBeLessThan(1e-3)
  })
})
