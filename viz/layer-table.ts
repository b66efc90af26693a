/** The per-layer choices as a report table: one row per layer, a mixer and an FFN column per architecture. */
import { referenceWidths, validateMapInput } from './architecture-map.ts'
import { shortFfn, shortMixer } from './layer-variant.ts'
import type { ArchitectureMapInput, ReportTable } from './types.ts'

export function layerChoiceTable(input: ArchitectureMapInput): ReportTable {
  validateMapInput(input)
  const references = referenceWidths(input)
  const architectures = [...(input.showParent === false ? [] : [input.parent]), ...input.children]
  const isParent = (i: number) => i === 0 && input.showParent !== false
  return {
    title: 'Per-layer choices',
    columns: ['Layer', ...architectures.flatMap((a, i) => {
      const name = isParent(i) ? `${a.name} (parent)` : a.name
      return [`${name}: mixer`, `${name}: FFN`]
    })],
    rows: input.parent.layers.map((_, layer) => ({
      label: String(layer),
      values: architectures.flatMap((a) => {
        const choice = a.layers[layer]
        return choice === undefined ? ['', ''] : [shortMixer(choice.mixer), shortFfn(choice.ffn, references[layer] ?? 1)]
      }),
    })),
    note: "FFN: intermediate width (percentage of the parent's at that layer). GQA n KV: grouped-query attention with n key/value heads. Layer 0 is nearest the embeddings.",
  }
}
