import { datasheetEfficiency, type EfficiencyModel } from '../../src/cost-model/efficiency.ts'

/** An efficiency model with the label the results show. */
export interface LabelledEfficiency {
  readonly label: string
  readonly model: EfficiencyModel
}

/** The default: datasheet peaks with the cited achievable fractions. */
export const datasheet: LabelledEfficiency = { label: 'datasheet roofline', model: datasheetEfficiency }
