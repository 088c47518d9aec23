// A load worker thread: imports the scenario, warms the request path, and wires a LoadRunner (its
// share of the arrival plan or of the concurrent learners) to the coordinator's message port.
import { parentPort, workerData } from 'node:worker_threads'
import { systemClock, systemTimers } from '../core/clock.ts'
import type { Scenario } from '../scenario/types.ts'
import { setRunParameters } from '../scenario/params.ts'
import type { StartCommand, WorkerInit } from './config.ts'
import { HttpClient } from './http/client.ts'
import { warmUpRequestPath } from './http/warm-up.ts'
import { importScenario } from './load-scenario.ts'
import type { StopCommand, WorkerMessage } from './messages.ts'
import { LoadRunner } from './runner.ts'
import { SelfMonitor } from './self-monitor.ts'

async function main(): Promise<void> {
  const port = parentPort!
  const init = workerData as WorkerInit
  const { config } = init
  let scenario: Scenario
  // The scenario may read env() and secret() at its top level.
  setRunParameters(config.parameters)
  try {
    scenario = await importScenario(config.scenarioFile)
  } catch (error) {
    port.postMessage({ type: 'failed', worker: init.worker, message: (error as Error).message } satisfies WorkerMessage)
    return
  }
  const runner = new LoadRunner(config, init.worker, scenario, {
    clock: systemClock,
    timers: systemTimers,
    http: new HttpClient({ connections: config.connections, requestTimeoutMs: config.requestTimeoutMs, ...config.tls }),
    monitor: new SelfMonitor(),
    post: (message) => port.postMessage(message),
  })
  // Failing to warm up (no loopback listener allowed, say) only costs the first second's speed.
  await warmUpRequestPath().catch(() => {})
  await runner.prepare()
  let stop: (command: StopCommand) => void = () => {}
  const stopped = new Promise<StopCommand>((resolve) => (stop = resolve))
  const started = new Promise<StartCommand>((resolve) => {
    port.on('message', (message: StartCommand | StopCommand) => {
      if (message.type === 'start') resolve(message)
      else if (message.type === 'stop') stop(message)
    })
  })
  port.postMessage({ type: 'ready', worker: init.worker } satisfies WorkerMessage)
  const { startAtMs } = await started
  await runner.run(startAtMs, stopped)
  port.close()
}

await main()
