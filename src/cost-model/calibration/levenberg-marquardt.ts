/**
 * Damped Gauss–Newton (Levenberg–Marquardt) least squares: minimise ½ Σ rᵢ(x)²
 * over a handful of parameters, with a forward-difference Jacobian. Each step
 * solves (JᵀJ + λ·diag JᵀJ) δ = −Jᵀr; a step that lowers the cost is kept and
 * λ shrinks (towards Gauss–Newton), one that does not is retried with a larger
 * λ (towards a short gradient step). Deterministic: no random restarts.
 */

export interface LeastSquaresOptions {
  /** Largest number of Jacobian evaluations. Default 200. */
  readonly maxIterations?: number
  /** Stop when an accepted step lowers the cost by less than this fraction of it. Default 1e-10. */
  readonly tolerance?: number
  /** Forward-difference step in each parameter. Default 1e-6 (parameters are expected to be of order 1). */
  readonly step?: number
}

export interface LeastSquaresResult {
  readonly x: readonly number[]
  /** ½ Σ rᵢ² at `x`. */
  readonly cost: number
  readonly iterations: number
  /** Per parameter, the Euclidean norm of its Jacobian column at `x`: 0 means the residuals do not depend on it there. */
  readonly sensitivity: readonly number[]
}

function halfSquaredNorm(r: Float64Array): number {
  let s = 0
  for (const v of r) s += v * v
  return s / 2
}

/** Jacobian columns by forward differences: column j is (r(x + h·eⱼ) − r(x)) / h. */
function jacobianColumns(residuals: (x: readonly number[]) => Float64Array, x: readonly number[], r: Float64Array, h: number): Float64Array[] {
  return x.map((_, j) => {
    const xj = x.slice()
    xj[j] = x[j]! + h
    const rj = residuals(xj)
    const col = new Float64Array(r.length)
    for (let i = 0; i < r.length; i++) col[i] = (rj[i]! - r[i]!) / h
    return col
  })
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/** Solves the symmetric positive definite system A·x = b by Cholesky factorisation; undefined if A is not positive definite. */
export function solveSpd(a: readonly (readonly number[])[], b: readonly number[]): number[] | undefined {
  const n = b.length
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!
      if (i === j) {
        if (!(s > 0)) return undefined
        l[i]![i] = Math.sqrt(s)
      } else l[i]![j] = s / l[j]![j]!
    }
  }
  const y = new Array<number>(n).fill(0)
  for (let i = 0; i < n; i++) {
    let s = b[i]!
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!
    y[i] = s / l[i]![i]!
  }
  const x = new Array<number>(n).fill(0)
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!
    x[i] = s / l[i]![i]!
  }
  return x
}

/** Damping factors: λ starts small relative to JᵀJ, shrinks after a good step and grows after a bad one. */
const initialDamping = 1e-3
const shrink = 1 / 3
const grow = 4
/** Beyond this damping the step is too short to change the cost: converged. */
const maxDamping = 1e12

export function levenbergMarquardt(
  residuals: (x: readonly number[]) => Float64Array,
  start: readonly number[],
  options: LeastSquaresOptions = {},
): LeastSquaresResult {
  const maxIterations = options.maxIterations ?? 200
  const tolerance = options.tolerance ?? 1e-10
  const h = options.step ?? 1e-6
  let x = start.slice()
  let r = residuals(x)
  let cost = halfSquaredNorm(r)
  let lambda = initialDamping
  let iterations = 0
  let columns = jacobianColumns(residuals, x, r, h)
  while (iterations < maxIterations) {
    iterations++
    const n = x.length
    const jtj = columns.map((ci) => columns.map((cj) => dot(ci, cj)))
    const gradient = columns.map((c) => dot(c, r))
    let improved = false
    let decrease = 0
    while (lambda <= maxDamping) {
      // A parameter the residuals do not depend on gets a unit diagonal, so its step is 0.
      const damped = jtj.map((row, i) => row.map((v, j) => (i === j ? v + lambda * (v > 0 ? v : 1) : v)))
      const delta = solveSpd(damped, gradient.map((g) => -g))
      if (delta !== undefined) {
        const candidate = x.map((v, i) => v + delta[i]!)
        const rc = residuals(candidate)
        const cc = halfSquaredNorm(rc)
        if (cc < cost) {
          decrease = cost - cc
          x = candidate
          r = rc
          cost = cc
          lambda *= shrink
          improved = true
          break
        }
      }
      lambda *= grow
    }
    if (improved) columns = jacobianColumns(residuals, x, r, h)
    if (n === 0 || !improved || decrease <= tolerance * cost) break
  }
  return { x, cost, iterations, sensitivity: columns.map((c) => Math.sqrt(dot(c, c))) }
}
