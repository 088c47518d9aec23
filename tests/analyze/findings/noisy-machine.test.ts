// noisy-machine on synthetic host samples: two or more seconds in which the hypervisor stole 5 %
// of CPU, or other processes used a quarter of a core on a busy or pressured host, are the finding.
// (noisy-machine-neighbour.test.ts plants a real neighbour process beside a real run.)
import { describe, expect, it } from 'vitest'
import { noisyMachine } from '../../../src/analyze/findings/noisy-machine.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

/** 30 s on a 2-core host: the target's process at 0.5 core; in seconds 10–14 the host as given. */
const run = (during: { cpu_ratio: number; steal_ratio?: number; cpu_pressure_ratio?: number }) => signalsFor({
  seconds: 30, endpoints: [pageAt(() => 40)],
  resources: [
    { source: 'host', kind: 'host', metrics: (t) => ({ cores: 2, steal_ratio: 0, cpu_pressure_ratio: 0, ...(t >= 10 && t < 15 ? during : { cpu_ratio: 0.3 }) }) },
    { source: 'target:process', kind: 'process', metrics: () => ({ cpu_ratio: 0.5 }) },
  ],
})

describe('noisy-machine', () => {
  it.each([
    ['a quiet host', { cpu_ratio: 0.3 }, undefined],
    ['steal of 8 %', { cpu_ratio: 0.4, steal_ratio: 0.08 }, '10–15 s'],
    ['other processes on 1.4 cores of a host at 95 %', { cpu_ratio: 0.95 }, '10–15 s'],
    ['other processes on 0.5 core of a host at 50 % without pressure', { cpu_ratio: 0.5 }, undefined],
    ['the same with CPU pressure of 20 %', { cpu_ratio: 0.5, cpu_pressure_ratio: 0.2 }, '10–15 s'],
  ] as const)('%s', (_, during, where) => {
    const f = noisyMachine.detect(run(during))
    if (where === undefined) expect(f).toBeUndefined()
    else {
      expect(f?.explanation).toContain(where)
      expect(f?.evidence.chart).toBe('res-cpu')
      expect(noisyMachine.kind).toBe('trust')
    }
  })
})
