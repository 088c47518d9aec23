// --output ndjson=FILE (or ndjson=- for stdout): one JSON line per second of the run, as outputs
// receive it (live/output.ts LiveSecond), for anything else to consume while the run goes on.
import { createWriteStream, type WriteStream } from 'node:fs'
import type { Output, OutputReport, LiveSecond, LiveStart } from './output.ts'

export class NdjsonOutput implements Output {
  readonly name: string
  readonly usesStdout: boolean
  private readonly stream: NodeJS.WritableStream & { writableNeedDrain: boolean }
  private sent = 0
  private dropped = 0
  private failure: string | undefined

  constructor(name: string, where: string) {
    this.name = name
    this.usesStdout = where === '-'
    if (this.usesStdout) {
      this.stream = process.stdout
    } else {
      const file: WriteStream = createWriteStream(where, { flags: 'wx' })
      file.on('error', (error: NodeJS.ErrnoException) => {
        this.failure ??= error.code === 'EEXIST' ? `${where} already exists` : `${where}: ${error.code ?? error.message}`
      })
      this.stream = file
    }
  }

  private line(value: unknown): void {
    // A reader that does not keep up costs the run nothing: lines are dropped and counted, never buffered without bound.
    if (this.failure || this.stream.writableNeedDrain) {
      this.dropped++
      return
    }
    this.stream.write(`${JSON.stringify(value)}\n`)
    this.sent++
  }

  start(info: LiveStart): void {
    this.line({ type: 'start', ...info })
  }

  second(s: LiveSecond): void {
    // The buckets are for Prometheus; a line carries the percentiles.
    this.line({ type: 'second', t: s.t, atMs: s.atMs, streams: s.streams, endpoints: s.endpoints.map(({ buckets: _, ...e }) => e) })
  }

  async stop(): Promise<OutputReport> {
    if (!this.usesStdout) await new Promise<void>((resolve) => (this.stream as WriteStream).end(resolve))
    return { output: this.name, sent: this.sent, dropped: this.dropped, reasons: this.failure ? [this.failure] : this.dropped ? ['the reader did not keep up'] : [] }
  }
}
