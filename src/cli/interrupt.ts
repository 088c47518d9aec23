// Ctrl-C and SIGTERM for the commands that send load (run, drill, demo, capacity, probe), one
// behaviour for all: the first signal aborts the returned signal (arrivals stop, in-flight requests
// finish, everything is written and analysed, exit 130), a second exits at once.
import { EXIT } from '../core/errors.ts'
import type { CliContext } from './command.ts'

export interface Interruptible {
  signal: AbortSignal
  /** Removes the handlers (call in `finally`). */
  dispose(): void
}

export function interruptible(ctx: CliContext, onFirst?: (signal: NodeJS.Signals) => void): Interruptible {
  const controller = new AbortController()
  let count = 0
  const onSignal = (signal: NodeJS.Signals) => {
    if (++count > 1) ctx.exit(EXIT.interrupted)
    onFirst?.(signal)
    controller.abort(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
