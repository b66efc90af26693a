import type { Command } from 'commander'
import * as Result from 'effect/Result'
import { architectureParams } from '../../blocks/architecture-params.ts'
import { presetArchitecture, presets, type PresetId } from '../../io/presets.ts'
import * as fmt from '../format.ts'
import { action } from '../run-action.ts'

function summary(id: PresetId) {
  const arch = presetArchitecture(id)
  if (Result.isFailure(arch)) return { supported: false as const, note: arch.failure.message }
  const a = arch.success
  const count = (pred: (l: (typeof a.layers)[number]) => boolean) => a.layers.filter(pred).length
  return {
    supported: true as const,
    params: architectureParams(a),
    layers: a.layers.length,
    attentionLayers: count((l) => l.mixer.type === 'attention'),
    mambaLayers: count((l) => l.mixer.type === 'mamba2'),
    hidden: a.hidden,
  }
}

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list the preset models, with parameter counts and sources')
    .option('--json', 'print JSON')
    .action(
      action((flags: { json?: boolean }) => {
        const list = presets.map((p) => ({ id: p.id, name: p.name, source: p.source, ...summary(p.id as PresetId) }))
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`)
          return
        }
        const rows = list.map((m) =>
          m.supported
            ? [m.id, m.name, fmt.count(m.params), String(m.layers), String(m.attentionLayers), String(m.mambaLayers), String(m.hidden)]
            : [m.id, m.name, '–', '–', '–', '–', `not supported yet`],
        )
        process.stdout.write(`${fmt.table(['id', 'name', 'params', 'layers', 'attention', 'mamba', 'hidden'], rows)}\n\nSources:\n${list.map((m) => `  ${m.id}: ${m.source}`).join('\n')}\n`)
      }),
    )
}
