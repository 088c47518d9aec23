import type { Argv } from 'yargs'

/** What a command gets besides its arguments: the CI step summary file and a hard exit. */
export interface CliContext {
  /** GitHub Actions' job summary file, when set. */
  stepSummaryFile: string | undefined
  exit(code: number): void
}

/**
 * One command: its options, its `--help` examples and what it does. A command module imports
 * only yargs' types, core/ and cli/ helpers at its top; the app code it runs (engine, analyzer,
 * HTTP clients, compilers) is imported inside `execute`, so a refused flag or `--help` loads none.
 */
export interface CommandModule<A = never> {
  options(y: Argv): Argv
  examples: Array<[command: string, description: string]>
  execute(argv: A, ctx: CliContext): Promise<number>
}
