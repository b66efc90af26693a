import type { BlockSpec } from '../blocks/spec.ts'

/** A short label for a block, as it appears in tables: `GQA 64q/8kv ×128`, `FFN swiglu 28672`, `linear`, `no-op`. */
export function describeBlock(s: BlockSpec): string {
  switch (s.type) {
    case 'attention':
      return `GQA ${s.heads}q/${s.kvHeads}kv×${s.headDim}${s.window === undefined ? '' : ` win ${s.window}`}${s.sharesKv ? ' shared-kv' : ''}`
    case 'ffn':
      return `FFN ${s.activation} ${s.intermediate}`
    case 'mamba2':
      return `Mamba-2 ${s.heads}h×${s.headDim} N${s.stateDim}`
    case 'hybrid-heads':
      return `hybrid ${s.heads}q/${s.kvHeads}kv + SSM ${s.ssmInner} N${s.stateDim}${s.window === undefined ? '' : ` win ${s.window}`}${s.sharesKv ? ' shared-kv' : ''}${s.metaTokens ? ` + ${s.metaTokens} meta` : ''}`
    case 'linear':
      return 'linear'
    case 'noop':
      return 'no-op'
  }
}
