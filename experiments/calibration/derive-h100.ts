/**
 * Writes data/calibrations/h100-sxm-derived.json: the H100 SXM calibration
 * derived from h200-pytorch (src/cost-model/calibration/derive.ts lists the
 * assumptions). Run it again whenever h200-pytorch is refitted:
 *
 *   npx tsx experiments/calibration/derive-h100.ts
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { deriveCalibration } from '../../src/cost-model/calibration/derive.ts'
import { loadCalibration } from '../../src/cost-model/calibration/resolve.ts'
import { gpus } from '../../src/cost-model/hardware/gpu.ts'

const source = await loadCalibration('h200-pytorch')
const derived = deriveCalibration(source, gpus.h200, gpus['h100-sxm'], 'h100-sxm-derived', source.created)
const out = fileURLToPath(new URL('../../data/calibrations/h100-sxm-derived.json', import.meta.url))
writeFileSync(out, `${JSON.stringify(derived, null, 2)}\n`)
process.stdout.write(`wrote ${out} (${derived.derivedFrom})\n`)
