import type { Progress } from '../app/index.ts'

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function progressLine(p: Progress): string {
  const p95 = p.p95Ms === undefined ? '–' : p.p95Ms < 10 ? p.p95Ms.toFixed(1) : fmt(p.p95Ms)
  return [
    p.elapsedSec > p.plannedSec ? `${fmt(p.elapsedSec)}s (plan ${fmt(p.plannedSec)}s, finishing)` : `${fmt(p.elapsedSec)}/${fmt(p.plannedSec)}s`,
    `arrivals ${fmt(p.arrivalsStarted)}/s (plan ${fmt(p.arrivalsPlanned)})`,
    `active ${fmt(p.activeLearners)}`,
    `${fmt(p.requestsPerSec)} req/s`,
    `p95 ${p95} ms`,
    `errors ${fmt(p.totalErrors)}`,
    `dropped ${fmt(p.totalDropped)}`,
    ...(p.generatorSaturated ? ['GENERATOR SATURATED'] : []),
  ].join('  ')
}

/** On a TTY one redrawn status line; elsewhere (CI) a plain line every 10 seconds. */
export class ProgressPrinter {
  private readonly stream: NodeJS.WriteStream
  private readonly tty: boolean
  private lastPlainAt = -Infinity
  private drawn = false

  constructor(stream: NodeJS.WriteStream) {
    this.stream = stream
    this.tty = stream.isTTY === true
  }

  update(p: Progress): void {
    const line = progressLine(p)
    if (this.tty) {
      const width = (this.stream.columns ?? 120) - 1
      this.stream.write(`\r\x1b[2K${line.slice(0, width)}`)
      this.drawn = true
    } else if (p.elapsedSec - this.lastPlainAt >= 10) {
      this.lastPlainAt = p.elapsedSec
      this.stream.write(`${line}\n`)
    }
  }

  /** Ends the status line before other output. */
  clear(): void {
    if (this.tty && this.drawn) {
      this.stream.write('\r\x1b[2K')
      this.drawn = false
    }
  }
}
