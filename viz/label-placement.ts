/**
 * Greedy placement of point labels: each label tries eight directions at
 * growing distances and takes the first spot that overlaps nothing already
 * drawn; failing that, the spot with the least overlap. Far spots get a leader line.
 */
import { boldTextWidth, textWidth } from './text-width.ts'

/** An axis-aligned rectangle in px, (x, y) its top-left corner. */
export interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/**
 * Something a label should avoid; `weight` scales its overlap cost per px².
 * The default, `solidWeight`, suits markers and other labels, which a label
 * must not hide; thin lines that a label may cross take less.
 */
export interface Obstacle extends Box {
  readonly weight?: number
}

export interface LabelRequest {
  readonly text: string
  /** The point being labelled, in px. */
  readonly x: number
  readonly y: number
  /** Clearance from the point to the nearest label edge, in px. */
  readonly clearance: number
  readonly fontSize: number
  readonly bold?: boolean
}

export interface PlacedLabel {
  readonly text: string
  /** Where the text is drawn: `x` per `anchor`, `y` is the baseline. */
  readonly x: number
  readonly y: number
  readonly anchor: 'start' | 'middle' | 'end'
  readonly box: Box
  /** From the point to the label, present when the label sits away from its point. */
  readonly leader?: { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number }
}

/**
 * Directions in degrees (0 = right, 90 = up), tried in this order: right and
 * left first, because horizontal offsets read best, then the diagonals, then
 * the steeper angles that let a far label find a gap.
 */
const angles: readonly number[] = [0, 180, 45, 135, 315, 225, 90, 270, 22.5, 157.5, 337.5, 202.5, 67.5, 112.5, 292.5, 247.5]
const directions: readonly (readonly [number, number])[] = angles.map((a) => {
  const radians = (a * Math.PI) / 180
  // Screen y grows downwards; rounding keeps the exact axes exact.
  return [Math.round(Math.cos(radians) * 1e6) / 1e6, Math.round(-Math.sin(radians) * 1e6) / 1e6] as const
})
/** Extra distances (px) beyond the clearance; the later ones get a leader line. */
const rings: readonly number[] = [0, 22, 40, 64, 96]
/** Cost of each ring in px² of overlap: a label next to its point beats a distant one that overlaps a little. */
const ringCost: readonly number[] = [0, 40, 90, 160, 260]
/** |component| of a direction below which the label is centred on that axis rather than set to one side. */
const sideThreshold = 0.3
/** Overlap weight of markers and labels: hiding one costs more than a far label or an ambiguous one. */
const solidWeight = 5
/** Overlap with the plot's edge counts more than with other marks: a clipped label is unreadable. */
const outsidePenalty = 4
/** Cost in px² of a label that could be read as naming another point (see `ambiguous`). */
const ambiguityCost = 400
/** Distance in px within which another point makes a label with a leader ambiguous. */
const leaderAmbiguityRadius = 14
/** Cost in px² of a leader line passing through a marker or another label. */
const crossingCost = 150
/** Space in px between a marker and the start of its leader line. */
const leaderGap = 2

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

function outside(box: Box, bounds: Box): number {
  const inside = overlap(box, bounds)
  // Areas differ by rounding even for a box wholly inside; below a hundredth of a px² it is inside.
  const area = box.width * box.height - inside
  return area < 0.01 ? 0 : area
}

function distanceToBox(x: number, y: number, box: Box): number {
  const dx = Math.max(box.x - x, 0, x - (box.x + box.width))
  const dy = Math.max(box.y - y, 0, y - (box.y + box.height))
  return Math.hypot(dx, dy)
}

/**
 * True when the label could be read as naming another point: without a
 * leader, another point is nearer than its own; with one, another point sits
 * right against the label, where the leader's end is easy to miss.
 */
function ambiguous(label: PlacedLabel, request: LabelRequest, points: readonly Point[]): boolean {
  const own = label.leader === undefined ? distanceToBox(request.x, request.y, label.box) : leaderAmbiguityRadius
  return points.some((p) => (p.x !== request.x || p.y !== request.y) && distanceToBox(p.x, p.y, label.box) < own)
}

/** Whether the segment (x1,y1)–(x2,y2) passes through `box` (Liang–Barsky clipping). */
function crosses(segment: { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number }, box: Box): boolean {
  const dx = segment.x2 - segment.x1
  const dy = segment.y2 - segment.y1
  let t0 = 0
  let t1 = 1
  const edges = [
    [-dx, segment.x1 - box.x],
    [dx, box.x + box.width - segment.x1],
    [-dy, segment.y1 - box.y],
    [dy, box.y + box.height - segment.y1],
  ] as const
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false
    } else {
      const t = q / p
      if (p < 0) t0 = Math.max(t0, t)
      else t1 = Math.min(t1, t)
    }
  }
  return t0 < t1
}

function candidate(request: LabelRequest, dir: readonly [number, number], ring: number): PlacedLabel {
  const width = request.bold === true ? boldTextWidth(request.text, request.fontSize) : textWidth(request.text, request.fontSize)
  const height = request.fontSize * 1.2
  const [dx, dy] = dir
  const distance = request.clearance + ring
  const px = request.x + dx * distance
  const py = request.y + dy * distance
  const left = dx > sideThreshold ? px : dx < -sideThreshold ? px - width : px - width / 2
  const top = dy > sideThreshold ? py : dy < -sideThreshold ? py - height : py - height / 2
  const anchor = dx > sideThreshold ? 'start' : dx < -sideThreshold ? 'end' : 'middle'
  const textX = anchor === 'start' ? left : anchor === 'end' ? left + width : left + width / 2
  const box = { x: left, y: top, width, height }
  const label = { text: request.text, x: textX, y: top + request.fontSize * 0.95, anchor, box } as const
  if (ring === 0) return label
  // The leader runs from the edge of the point's clearance zone to the nearest point of the label box.
  const x2 = Math.min(Math.max(request.x, left), left + width)
  const y2 = Math.min(Math.max(request.y, top), top + height)
  const length = Math.hypot(x2 - request.x, y2 - request.y)
  const start = Math.min(length, Math.max(0, request.clearance - leaderGap)) / (length || 1)
  return { ...label, leader: { x1: request.x + (x2 - request.x) * start, y1: request.y + (y2 - request.y) * start, x2, y2 } }
}

function leaderCrossings(label: PlacedLabel, taken: readonly Obstacle[]): number {
  const leader = label.leader
  if (leader === undefined) return 0
  return taken.filter((box) => (box.weight ?? solidWeight) >= 1 && crosses(leader, box)).length
}

export interface Point {
  readonly x: number
  readonly y: number
}

/**
 * Places labels in request order, avoiding `obstacles`, each other and the
 * outside of `bounds`, and preferring spots nearer their own point than any
 * other of `points` (every marked point on the plot).
 */
export function placeLabels(requests: readonly LabelRequest[], obstacles: readonly Obstacle[], bounds: Box, points: readonly Point[] = []): readonly PlacedLabel[] {
  const taken: Obstacle[] = [...obstacles]
  return requests.map((request) => {
    let best: PlacedLabel | undefined
    let bestCost = Number.POSITIVE_INFINITY
    rings.forEach((ring, r) => {
      for (const dir of directions) {
        if (bestCost === 0) return
        const label = candidate(request, dir, ring)
        const cost =
          (ringCost[r] ?? 0) +
          taken.reduce((sum, box) => sum + (box.weight ?? solidWeight) * overlap(label.box, box), 0) +
          outsidePenalty * outside(label.box, bounds) +
          (ambiguous(label, request, points) ? ambiguityCost : 0) +
          leaderCrossings(label, taken) * crossingCost
        if (cost < bestCost) {
          best = label
          bestCost = cost
        }
      }
    })
    // `rings` and `directions` are non-empty, so a candidate always exists.
    const chosen = best ?? candidate(request, [1, 0], 0)
    taken.push(chosen.box)
    return chosen
  })
}
