/**
 * Cross-validation folds over whole block shapes: every row of one block spec
 * (all its batches, lengths and dtypes) lands in the same fold, so a held-out
 * row's block was never seen by the fit that predicts it.
 */
import type { BlockSpec } from '../../blocks/spec.ts'

/** The block spec as canonical JSON (keys sorted), the identity of a shape. */
export function shapeKey(block: BlockSpec): string {
  const entries = Object.entries(block).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify(Object.fromEntries(entries))
}

/** 32-bit FNV-1a of a string's UTF-16 code units (Fowler–Noll–Vo, offset basis 2166136261, prime 16777619). */
function fnv1a(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 16777619) >>> 0
  }
  return h
}

/** The fold (0 … folds − 1) a block shape is held out in; stable across machines and runs. */
export function foldOf(block: BlockSpec, folds: number): number {
  return foldOfKey(shapeKey(block), folds)
}

/** The fold of anything named by a string key (a whole model, by its id). */
export function foldOfKey(key: string, folds: number): number {
  return fnv1a(key) % folds
}
