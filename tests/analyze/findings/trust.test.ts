// The trust rules on synthetic series: a generator busy for 3 seconds in a row, and a closed model.
import { describe, expect, it } from 'vitest'
import { closedModelBias, generatorSaturated } from '../../../src/analyze/findings/trust.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

describe('generator-saturated', () => {
  it.each([
    ['never busy', () => 0.5, undefined],
    ['busy 2 seconds in a row (95 % ELU)', (t: number) => (t >= 10 && t < 12 ? 0.96 : 0.5), undefined],
    ['busy 3 seconds in a row', (t: number) => (t >= 10 && t < 13 ? 0.96 : 0.5), 10],
    ['busy from second 5 to the end', (t: number) => (t >= 5 ? 0.99 : 0.5), 5],
  ] as const)('%s', (_, elu, from) => {
    const f = generatorSaturated.detect(signalsFor({ seconds: 30, endpoints: [pageAt(() => 40)], generatorElu: elu }))
    expect(f?.evidence.values.fromSecond).toBe(from)
    if (f) expect(f.evidence.chart).toBe('res-generator')
  })
})

describe('closed-model-bias', () => {
  it('is said of a closed run, never of an open one', () => {
    expect(closedModelBias.detect(signalsFor({ seconds: 10, model: 'closed', endpoints: [pageAt(() => 40)] }))?.severity).toBe('info')
    expect(closedModelBias.detect(signalsFor({ seconds: 10, model: 'open', endpoints: [pageAt(() => 40)] }))).toBeUndefined()
  })
})
