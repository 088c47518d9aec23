// What a data table costs each thread that imports the scenario: the time to read and parse a CSV
// of accounts and the heap its rows hold (each load worker holds its own copy; docs/benchmarks.md
// section 12). Usage: node --expose-gc bench/data-table.ts [--rows 100000]
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { data } from '../src/scenario/data.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } })
const rows = Number(values.rows)
const file = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-bench-data-')), 'accounts.csv')
const lines = ['username,password']
for (let i = 0; i < rows; i++) lines.push(`learner${i},pw-${(i * 7919) % 100_000}`)
writeFileSync(file, `${lines.join('\n')}\n`)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) console.error('run with node --expose-gc for heap numbers that exclude garbage')
gc?.()
const before = process.memoryUsage().heapUsed
const started = performance.now()
const table = data.csv(file, { handOut: 'unique', columns: ['username', 'password'] })
const parseMs = performance.now() - started
gc?.()
const heapMiB = (process.memoryUsage().heapUsed - before) / 1048576
console.log(`data.csv: ${table.rows} rows, ${(statSync(file).size / 1048576).toFixed(1)} MiB of CSV: parsed in ${parseMs.toFixed(0)} ms, ${heapMiB.toFixed(1)} MiB of heap per thread that imports the scenario`)
