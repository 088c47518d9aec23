// The drill controller's states on a fake clock, a fake target and a fake probe: the sequence, the
// moments it records (seconds from the load's start), and the problems it reports.
import { describe, expect, it } from 'vitest'
import { DrillController, type DrillClock } from '../../../src/app/drill/controller.ts'
import type { DrillTarget, TargetAction } from '../../../src/app/drill/target.ts'

/** Time moves only when the controller sleeps; a sleep cut short by the cancel signal ends at once. */
function fakeClock(startMs: number): DrillClock & { now: number } {
  const clock = {
    now: startMs,
    nowMs: () => clock.now,
    async sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) return
      clock.now += ms
    },
  }
  return clock
}

function fakeTarget(actions: { kill?: TargetAction; restore?: TargetAction; restart?: TargetAction }, clock: { now: number }, calls: string[]): DrillTarget {
  return {
    async kill() { calls.push('kill'); return actions.kill ?? { how: 'SIGKILL to pid 1' } },
    ...(actions.restore ? { async restore() { calls.push('restore'); clock.now += 300; return actions.restore } } : {}),
    async restart() { calls.push('restart'); return actions.restart },
  }
}

const START = 1_000_000
const options = (notices: string[]) => ({ startMs: START, killAtMs: 5000, downForMs: 1000, recoveryTimeoutMs: 30_000, notice: (l: string) => notices.push(l) })

describe('the drill controller', () => {
  it('kills at its time, restores, restarts and records the recovery with its RTO', async () => {
    const clock = fakeClock(START)
    const calls: string[] = []
    const notices: string[] = []
    const target = fakeTarget({ restore: { how: 'restore from backup.sqlite' }, restart: { how: 'the bundled backend started again on the same port' } }, clock, calls)
    const c = new DrillController(target, clock, { answeredAfter: async (after) => after + 2500 }, options(notices))
    await c.run()
    expect(calls).toEqual(['kill', 'restore', 'restart'])
    expect(c.state).toBe('recovered')
    expect(c.timeline).toEqual({
      kill: { atSec: 5, how: 'SIGKILL to pid 1' },
      restore: { atSec: 6, how: 'restore from backup.sqlite', durationSec: 0.3 },
      restart: { atSec: 6.3, how: 'the bundled backend started again on the same port' },
      recovered: { atSec: 7.5 },
      rtoSec: 2.5,
    })
    expect(notices).toEqual(['drill: kill at 5.0 s (SIGKILL to pid 1)', 'drill: restore at 6.0 s (backup.sqlite)', 'drill: restart at 6.3 s', 'drill: recovered at 7.5 s (RTO 2.5 s)'])
    expect(c.problems).toEqual([])
  })

  it('a target that never answers again: no recovery, RTO null, a problem naming the timeout', async () => {
    const clock = fakeClock(START)
    const c = new DrillController(fakeTarget({}, clock, []), clock, { answeredAfter: async () => undefined }, options([]))
    await c.run()
    expect(c.state).toBe('not-recovered')
    expect(c.timeline.rtoSec).toBeNull()
    expect(c.timeline.restart).toBeUndefined()
    expect(c.problems).toEqual(['the target did not answer the probe within 30 s of the kill'])
  })

  it('a failed kill command and a restart that did not happen are problems; the kill is still recorded', async () => {
    const clock = fakeClock(START)
    const target = fakeTarget({ kill: { how: 'command: systemctl kill lms', problem: '--kill-command exited with 1: denied' }, restart: { how: 'restart', happened: false, problem: 'did not start' } }, clock, [])
    const c = new DrillController(target, clock, { answeredAfter: async (after) => after + 100 }, options([]))
    await c.run()
    expect(c.timeline.kill).toEqual({ atSec: 5, how: 'command: systemctl kill lms' })
    expect(c.timeline.restart).toBeUndefined()
    expect(c.problems).toEqual(['--kill-command exited with 1: denied', 'did not start'])
    expect(c.state).toBe('recovered')
  })

  it('cancelled before the kill time: nothing is done', async () => {
    const clock = fakeClock(START)
    const calls: string[] = []
    const c = new DrillController(fakeTarget({}, clock, calls), clock, { answeredAfter: async () => 0 }, options([]))
    c.cancel()
    await c.run()
    expect(c.state).toBe('cancelled')
    expect(calls).toEqual([])
    expect(c.timeline).toEqual({})
  })
})
