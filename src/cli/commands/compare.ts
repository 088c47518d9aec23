import type { Argv } from 'yargs'
import { useCases, type Comparison } from '../../app/index.ts'
import { displayPath, UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'

interface CompareArgs {
  baseline: string
  candidate: string
  'max-regression': string
  'allow-different': boolean
  format: string
}

function options(y: Argv): Argv {
  return y
      .positional('baseline', { type: 'string', describe: 'run directory of the reference' })
      .positional('candidate', { type: 'string', describe: 'run directory to judge' })
      .option('max-regression', { type: 'string', default: '10%', describe: 'p95 slowdown allowed before a significant change is a regression' })
      .option('allow-different', { type: 'boolean', default: false, describe: 'compare runs of different scenarios, loads, targets or backend profiles (refused otherwise)' })
      .option('format', { type: 'string', default: 'text', describe: 'text or json' })
}

function text(c: Comparison): string {
  const pct = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`)
  const lines = [...c.differences.map((d) => `WARNING (--allow-different): ${d}`), ...c.warnings.map((w) => `WARNING: ${w}`)]
  const inconclusive = c.inconclusive ? `; ${c.inconclusive} inconclusive (run longer)` : ''
  lines.push(`${c.passed ? 'no regression' : `${c.regressions} regression${c.regressions > 1 ? 's' : ''}`} beyond ${(100 * c.maxRegression).toFixed(0)} %${inconclusive} (Mann–Whitney on per-second p95 and throughput, α = ${c.alpha})`)
  for (const e of c.endpoints) lines.push(`  ${e.verdict.toUpperCase().padEnd(12)} ${e.name}: p50 ${pct(e.change.p50)}, p95 ${pct(e.change.p95)}, p99 ${pct(e.change.p99)}, throughput ${pct(e.change.throughput)} — ${e.reason}`)
  if (c.onlyInCandidate.length) lines.push(`only in the candidate: ${c.onlyInCandidate.join(', ')}`)
  return lines.join('\n')
}

async function execute(argv: CompareArgs, env: { stepSummaryFile?: string }): Promise<number> {
  if (argv.format !== 'text' && argv.format !== 'json') throw new UserError('LMSLOAD_USAGE', `--format: expected text or json, got '${argv.format}'`)
  // A bare number is ambiguous (10 → 10 % or 1000 %?): only a percentage is accepted.
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(argv['max-regression'])
  if (!m) throw new UserError('LMSLOAD_USAGE', `--max-regression: expected a percentage like '10%', got '${argv['max-regression']}'${/^\s*\d+(\.\d+)?\s*$/.test(argv['max-regression']) ? ` (write '${argv['max-regression'].trim()}%')` : ''}`)
  const { compareDirs } = await useCases.compare()
  const { comparison, exitCode, reports } = compareDirs(argv.baseline, argv.candidate, { maxRegression: Number(m[1]) / 100, allowDifferent: argv['allow-different'], stepSummaryFile: env.stepSummaryFile })
  process.stdout.write(argv.format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : `${text(comparison)}\n\ncomparison report: ${displayPath(reports.html)}\n`)
  if (comparison.warnings.length > 0 && argv.format === 'json') process.stderr.write(comparison.warnings.map((w) => `WARNING: ${w}\n`).join(''))
  return exitCode
}

const command: CommandModule<CompareArgs> = {
  options,
  examples: [
    ['$0 compare reports/runs/<main> reports/runs/<branch>', 'exit 99 when an endpoint got significantly slower than 10 % at p95, or lost throughput'],
    ['$0 compare <baseline> <candidate> --max-regression 5%', 'a stricter gate'],
  ],
  execute: (argv, ctx) => execute(argv, ctx),
}
export default command
