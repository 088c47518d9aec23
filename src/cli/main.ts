#!/usr/bin/env node
// The `lmsload` command. The only place that reads process.env, prints, or exits.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { EXIT, formatUserError, isUserError, UserError } from '../core/index.ts'
import { analyzeCommand, executeAnalyze } from './commands/analyze.ts'
import { capacityCommand, executeCapacity } from './commands/capacity.ts'
import { compareCommand, executeCompare } from './commands/compare.ts'
import { demoCommand, executeDemo } from './commands/demo.ts'
import { drillCommand, executeDrill } from './commands/drill.ts'
import { executeExport, exportCommand } from './commands/export.ts'
import { executeImport, importCommand } from './commands/import.ts'
import { executeProbe, probeCommand } from './commands/probe.ts'
import { executeRecord, recordCommand } from './commands/record.ts'
import { executeReport, reportCommand } from './commands/report.ts'
import { executeRun, runCommand } from './commands/run.ts'

const BACKEND_CLI = fileURLToPath(new URL('../../reference-backend/src/cli.ts', import.meta.url))

/**
 * `lmsload backend …` runs the reference backend in its own process: the toolkit and the backend
 * share nothing but HTTP. Signals reach it through the process group; its exit code is ours.
 */
function runBackend(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BACKEND_CLI, ...args], { stdio: 'inherit' })
    const forward = (signal: NodeJS.Signals) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => reject(new UserError('LMSLOAD_BACKEND_FAILED', `could not start the reference backend: ${error.message}`)))
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : 1)))
  })
}

/** Options (and aliases) that take several values. */
const LIST_OPTIONS = new Set(['_', 'scrape', 'pid', 'header', 'H', 'files'])

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'backend') return runBackend(argv.slice(1))
  let exitCode: number = EXIT.ok
  const parser = recordCommand(probeCommand(importCommand(exportCommand(drillCommand(reportCommand(demoCommand(compareCommand(capacityCommand(analyzeCommand(runCommand(yargs(argv)
    .scriptName('lmsload')
    // A repeated option is a list only where the option is one (--scrape, --pid, --header, the
    // files of import); anywhere else the last value wins (`--out a --out b` is b). yargs' own
    // 'duplicate-arguments-array: false' also folded those lists, and variadic positionals, to
    // their last value.
    .middleware((args) => {
      for (const [key, value] of Object.entries(args)) if (Array.isArray(value) && !LIST_OPTIONS.has(key)) args[key] = value[value.length - 1]
    }, true)
    .usage('$0 <command> [options]\n\nLoad testing and capacity planning for e-learning backends.')
    .command('backend', 'seed, start, back up or restore the bundled reference LMS (see: lmsload backend --help)'))))))))))))
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .help()
    .version()
    .fail((message, error) => {
      throw error ?? new UserError('LMSLOAD_USAGE', message)
    })
  const parsed = await parser.parseAsync()
  // The CI step summary (GitHub Actions) is the only environment variable the commands use.
  const env = { stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined }
  const exit = (code: number) => process.exit(code)
  if (parsed._[0] === 'run') exitCode = await executeRun(parsed as never, exit, env)
  else if (parsed._[0] === 'drill') exitCode = await executeDrill(parsed as never, exit, env)
  else if (parsed._[0] === 'demo') exitCode = await executeDemo(parsed as never, exit, env)
  else if (parsed._[0] === 'analyze') exitCode = executeAnalyze(parsed as never, env)
  else if (parsed._[0] === 'report') exitCode = executeReport(parsed as never, env)
  else if (parsed._[0] === 'capacity') exitCode = await executeCapacity(parsed as never)
  else if (parsed._[0] === 'compare') exitCode = executeCompare(parsed as never, env)
  else if (parsed._[0] === 'export') exitCode = await executeExport(parsed as never)
  else if (parsed._[0] === 'import') exitCode = await executeImport(parsed as never)
  else if (parsed._[0] === 'probe') exitCode = await executeProbe(parsed as never)
  else if (parsed._[0] === 'record') exitCode = executeRecord(parsed as never)
  return exitCode
}

let pipesWatched = false

/**
 * A reader that closes the pipe early (`lmsload analyze --format json | head`) ends the output, not
 * the command: the rest of the output is dropped quietly and the command still ends with its own
 * exit code (a failed gate stays 99 under `set -o pipefail`).
 */
function quietOnClosedPipe(): void {
  if (pipesWatched) return
  pipesWatched = true
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
    })
  }
}

/** Runs a command line and returns the exit code; user errors become one line on stderr. */
export async function cli(argv: string[]): Promise<number> {
  quietOnClosedPipe()
  const debug = argv.includes('--debug')
  try {
    return await main(argv.filter((a) => a !== '--debug'))
  } catch (error) {
    if (isUserError(error)) {
      console.error(`lmsload: ${formatUserError(error)}`)
      return error.exitCode
    }
    console.error(debug ? error : `lmsload: unexpected failure: ${(error as Error).message} (run with --debug for the stack)`)
    return EXIT.usage
  }
}

if (import.meta.main) process.exitCode = await cli(hideBin(process.argv))
