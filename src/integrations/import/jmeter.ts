// `lmsload import jmeter`: JMeter's CSV results (JTL). Labels are endpoints, thread counts are
// concurrency (JMeter is a closed model: a thread starts its next loop when the last one ends).
// Streamed with csv-parse; rows are folded by their end time (timeStamp + elapsed).
import { createReadStream, existsSync, statSync } from 'node:fs'
import { parse } from 'csv-parse'
import { UserError } from '../../core/errors.ts'
import type { TransportError } from '../../scenario/types.ts'
import { openImportRun, type ImportTotals } from './seconds.ts'
import type { RunJson } from '../../record/layout/run-json.ts'

const REQUIRED = ['timeStamp', 'elapsed', 'label', 'responseCode', 'success'] as const

export interface JtlStats {
  rows: number
  /** Transaction-controller rows (a parent of other samples): recorded as steps, not requests. */
  transactions: number
  totals: ImportTotals
  run: RunJson
  target: string
}

/** JMeter's response code for a failure without an HTTP answer, as lmsload's transport error. */
function transportError(code: string, message: string): TransportError {
  const text = `${code} ${message}`
  if (/SocketTimeout|timed out|Timeout/i.test(text)) return 'timeout'
  if (/ConnectException|Connection refused/i.test(text)) return 'refused'
  if (/UnknownHost/i.test(text)) return 'dns'
  if (/Connection reset|SocketException|NoHttpResponse/i.test(text)) return 'reset'
  return 'other'
}

async function firstRow(file: string): Promise<{ header: string[]; first: Record<string, string> | undefined }> {
  const parser = createReadStream(file).pipe(parse({ columns: true, relax_column_count: true, to_line: 2 }))
  let first: Record<string, string> | undefined
  parser.on('data', (row: Record<string, string>) => { first ??= row })
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve)
    parser.on('error', reject)
  }).catch((e: Error) => {
    throw new UserError('LMSLOAD_IMPORT', `${file}: not a CSV JTL: ${e.message.split('\n')[0]}`)
  })
  return { header: first ? Object.keys(first) : [], first }
}

/** Reads a JTL into a run directory at `dir`. */
export async function importJtl(file: string, dir: string, name: string): Promise<JtlStats> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError('LMSLOAD_IMPORT', `${file}: no such file`)
  const { header, first } = await firstRow(file)
  if (!first) throw new UserError('LMSLOAD_IMPORT', `${file}: no rows (expected a CSV JTL with a header line: ${REQUIRED.join(',')},…)`)
  const missing = REQUIRED.filter((c) => !header.includes(c))
  if (missing.length > 0) {
    throw new UserError('LMSLOAD_IMPORT', `${file}:1: the header lacks ${missing.join(', ')} (save the JTL as CSV with jmeter.save.saveservice.print_field_names=true; XML JTLs are not read)`)
  }
  const startTs = Number(first.timeStamp)
  if (!Number.isFinite(startTs)) throw new UserError('LMSLOAD_IMPORT', `${file}:2: timeStamp '${first.timeStamp}' is not milliseconds since the epoch (set jmeter.save.saveservice.timestamp_format=ms)`)
  let target = ''
  if (first.URL && /^https?:\/\//.test(first.URL)) target = new URL(first.URL).origin
  const run = openImportRun(dir, {
    tool: 'jmeter', name, description: `JMeter results imported from ${file}`, sources: [file], target: target || 'unknown', model: 'closed', generators: 1,
    profile: { threads: 'JMeter thread groups (closed model)' },
  }, Math.floor(startTs / 1000) * 1000)
  const folder = run.folder
  let rows = 0
  let transactions = 0
  let line = 1
  // A JMeter thread is a learner: it arrives with its first sample (its loops are its journey).
  const threads = new Set<string>()
  const parser = createReadStream(file).pipe(parse({ columns: true, relax_column_count: true, skip_empty_lines: true }))
  try {
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      line++
      const ts = Number(row.timeStamp)
      const elapsed = Number(row.elapsed)
      if (!Number.isFinite(ts) || !Number.isFinite(elapsed) || elapsed < 0) {
        throw new UserError('LMSLOAD_IMPORT', `${file}:${line}: timeStamp and elapsed must be numbers of milliseconds, got '${row.timeStamp}', '${row.elapsed}'`)
      }
      rows++
      const end = ts + elapsed
      const label = row.label ?? ''
      const ok = row.success === 'true'
      const active = Number(row.allThreads)
      if (Number.isFinite(active)) folder.active(end, active)
      const thread = row.threadName ?? ''
      if (thread !== '' && !threads.has(thread)) {
        threads.add(thread)
        folder.arrival(ts)
      }
      if ((row.responseMessage ?? '').startsWith('Number of samples in transaction')) {
        transactions++
        folder.step(end, label, elapsed, !ok)
        continue
      }
      const code = row.responseCode ?? ''
      const status = /^\d{3}$/.test(code) ? Number(code) : 0
      folder.request(end, label, {
        latencyMs: elapsed, status, ok: ok && status !== 0,
        error: status === 0 ? transportError(code, row.responseMessage ?? row.failureMessage ?? '') : undefined,
        bytesIn: Number(row.bytes) || 0, bytesOut: Number(row.sentBytes) || 0,
      })
      if ((rows & 1023) === 0) folder.advance(ts)
    }
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError('LMSLOAD_IMPORT', `${file}:${line + 1}: ${(error as Error).message.split('\n')[0]}`)
  }
  const written = run.finish()
  return { rows, transactions, totals: folder.totals, run: written, target }
}
