#!/usr/bin/env node
// The `lmsload` command. The only place that reads process.env, prints, or exits.
import { spawn } from 'node:child_process'
import { BACKEND_CLI } from '../app/index.ts'
import { EXIT, formatUserError, isUserError, UserError } from '../core/index.ts'
import { lmsloadVersion } from '../core/install.ts'
import type { CliContext } from './command.ts'
import { hideBin, yargs, type Argv } from './deps.ts'
import { usageMessage } from './did-you-mean.ts'
import { COMMANDS } from './registry.ts'

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
const LIST_OPTIONS = new Set(['_', 'scrape', 'pid', 'header', 'H', 'files', 'scenarios', 'shards', 'env', 'secret', 'secret-file', 'output'])

/** The command a command line names: its first word that is not a flag (completion passes flags first). */
function commandOf(argv: string[]) {
  const word = argv.find((a) => !a.startsWith('-'))
  return COMMANDS.find((c) => c.name === word)
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'backend') return runBackend(argv.slice(1))
  const chosen = commandOf(argv)
  // Only the named command's module is loaded; the others are a name and a line for --help.
  const module = chosen ? (await chosen.load()).default : undefined
  let parser: Argv = yargs(argv)
    .scriptName('lmsload')
    // A repeated option is a list only where the option is one (--scrape, --pid, --header, the
    // files of import); anywhere else the last value wins (`--out a --out b` is b). yargs' own
    // 'duplicate-arguments-array: false' also folded those lists, and variadic positionals, to
    // their last value.
    .middleware((args) => {
      for (const [key, value] of Object.entries(args)) if (Array.isArray(value) && !LIST_OPTIONS.has(key)) args[key] = value[value.length - 1]
    }, true)
    .usage('$0 <command> [options]\n\nLoad testing and capacity planning for e-learning backends.')
  for (const entry of COMMANDS) {
    if (entry === chosen && module) {
      parser = parser.command(entry.usage, entry.describe, (y) => {
        let built = module.options(y)
        for (const [example, description] of module.examples) built = built.example(example, description)
        return built
      })
    } else {
      parser = parser.command(entry.usage, entry.describe)
    }
  }
  parser = parser
    .command('backend', 'seed, start, back up or restore the bundled reference LMS (see: lmsload backend --help)')
    .completion('completion', 'print a bash/zsh completion script: lmsload completion >> ~/.bashrc')
    .example('$0 init', 'a starter kit in your repository: example scenario, budgets, CI workflow')
    .example('$0 run smoke', 'a ready scenario against the bundled reference LMS')
    .example('$0 run lmsload/scenarios/example.ts --target http://127.0.0.1:8080', 'your scenario against your LMS')
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .strict()
    .help()
    // Our own package.json's version, not the one yargs finds near the user's working directory.
    .version(lmsloadVersion())
    .fail((message, error) => {
      if (error) throw error
      throw new UserError('LMSLOAD_USAGE', usageMessage(message, parser, argv, [...COMMANDS.map((c) => c.name), 'backend', 'completion']))
    })
  const parsed = await parser.parseAsync()
  if (!module || parsed._[0] !== chosen?.name) return EXIT.ok
  const ctx: CliContext = {
    // The CI step summary (GitHub Actions) is the only environment variable the commands use.
    stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined,
    exit: (code) => process.exit(code),
  }
  return module.execute(parsed as never, ctx)
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
