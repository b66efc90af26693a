/**
 * The look shared by every plot: one font, a few sizes that stay legible when
 * a 640-px figure is printed one column wide (≈ 8 pt), and colour-blind-safe
 * colours.
 */
import type { MemoryCategory, TimeCategory } from './types.ts'

/** DejaVu Sans ships with nas-sim (for PNGs); Verdana has near-identical widths where it is absent. */
export const fontFamily = "'DejaVu Sans', Verdana, sans-serif"

/** Font sizes in px. */
export const fontSize = {
  tick: 11,
  label: 12,
  legend: 11,
  title: 14,
  caption: 10.5,
  annotation: 11,
} as const

export const ink = {
  text: '#222222',
  muted: '#5f5f5f',
  axis: '#4a4a4a',
  grid: '#e6e6e6',
  reference: '#111111',
} as const

/**
 * Okabe & Ito, "Color Universal Design" (2008): eight colours that stay
 * distinct under the common colour-vision deficiencies. Yellow is left out of
 * series colours because lines in it vanish on white.
 */
export const okabeIto = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const

export const seriesColours = [
  okabeIto.blue,
  okabeIto.vermillion,
  okabeIto.bluishGreen,
  okabeIto.reddishPurple,
  okabeIto.orange,
  okabeIto.skyBlue,
] as const

/** Time categories keep the hue of their block in the architecture map: attention orange, FFN blue, Mamba green. */
export const timeColours = {
  attention: okabeIto.orange,
  ffn: okabeIto.blue,
  mamba: okabeIto.bluishGreen,
  linear: '#9a9a9a',
  communication: okabeIto.reddishPurple,
  embeddings: okabeIto.yellow,
  host: '#4d4d4d',
} as const satisfies Record<TimeCategory, string>

export const timeLabels = {
  attention: 'Attention',
  ffn: 'FFN',
  mamba: 'Mamba-2',
  linear: 'Linear replacements',
  communication: 'Communication',
  embeddings: 'Embeddings & LM head',
  host: 'Engine host time',
} as const satisfies Record<TimeCategory, string>

/** KV cache shares attention's orange and SSM state Mamba's green, so the two panels read together. */
export const memoryColours = {
  weights: okabeIto.skyBlue,
  kvCache: okabeIto.orange,
  ssmState: okabeIto.bluishGreen,
  activations: okabeIto.reddishPurple,
} as const satisfies Record<MemoryCategory, string>

export const memoryLabels = {
  weights: 'Weights',
  kvCache: 'KV cache',
  ssmState: 'SSM state',
  activations: 'Activations',
} as const satisfies Record<MemoryCategory, string>

/** Architecture-map fills for the variants that are not on a sequential scale. */
export const variantColours = {
  mamba: okabeIto.bluishGreen,
  hybrid: okabeIto.reddishPurple,
  linear: '#8c8c8c',
  noop: '#ffffff',
  noopStroke: '#b4b4b4',
} as const

/** Attributes that give text a white outline, so it stays legible where it crosses a line. */
export const halo = { 'paint-order': 'stroke', stroke: '#ffffff', 'stroke-width': 3, 'stroke-linejoin': 'round' } as const
