// The process sampler reads a real process's main thread from /proc/<pid>/schedstat: the time it
// ran and the time it waited for a CPU (what tells a starved event loop from a blocked one).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { ProcessSampler } from '../../src/record/samplers/proc.ts'

const children: ChildProcess[] = []
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL')
    if (c.exitCode === null && c.signalCode === null) await once(c, 'exit')
  }
})

/** A process that spins (or sleeps) on CPU 0 only, once Node has started (start-up is CPU time too). */
async function onCpu0(spin: boolean): Promise<number> {
  const body = `process.stdout.write('ready\\n'); ${spin ? 'for (;;) {}' : 'setInterval(() => {}, 1000)'}`
  const child = spawn('taskset', ['-c', '0', process.execPath, '-e', body], { stdio: ['ignore', 'pipe', 'ignore'] })
  children.push(child)
  await once(child.stdout!, 'data')
  return child.pid!
}

/** The main thread's run and wait over 1.5 s. */
async function mainThread(pid: number): Promise<{ run: number; wait: number }> {
  const sampler = new ProcessSampler(pid)
  await sampler.sample()
  await sleep(1500)
  const { metrics } = (await sampler.sample())!
  return { run: metrics.main_thread_cpu_ratio!, wait: metrics.main_thread_wait_ratio! }
}

describe('ProcessSampler: the main thread from schedstat', () => {
  // Whatever else runs on CPU 0, a spinning thread is always runnable: it runs or it waits, and
  // the two add up to the wall time. A second spinner on the same CPU takes at least a fair half.
  it('a spinning thread runs or waits all the time; beside a second spinner on its CPU it waits at least a third of it', async () => {
    const a = await onCpu0(true)
    await sleep(300)
    const alone = await mainThread(a)
    expect(alone.run + alone.wait).toBeGreaterThan(0.9)
    expect(alone.run + alone.wait).toBeLessThan(1.1)
    await onCpu0(true)
    await sleep(300)
    const shared = await mainThread(a)
    expect(shared.run + shared.wait).toBeGreaterThan(0.9)
    expect(shared.run + shared.wait).toBeLessThan(1.1)
    expect(shared.wait).toBeGreaterThan(0.35)
    expect(shared.run).toBeLessThan(0.65)
  })

  it('a sleeping thread neither runs nor waits', async () => {
    const pid = await onCpu0(false)
    await sleep(300)
    const idle = await mainThread(pid)
    expect(idle.run + idle.wait).toBeLessThan(0.05)
  })
})
