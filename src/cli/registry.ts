// Every command by name, with the line `lmsload --help` shows. A command's module is imported only
// when that command runs (or its --help is asked for): start-up costs yargs and this list, nothing else.
import type { CommandModule } from './command.ts'

export interface CommandEntry {
  name: string
  /** yargs' command string: the name and its positionals. */
  usage: string
  describe: string
  load(): Promise<{ default: CommandModule<never> }>
}

export const COMMANDS: CommandEntry[] = [
  { name: 'run', usage: 'run <scenario>', describe: 'run a scenario (a file, or a ready one by name) and record it to a run directory', load: () => import('./commands/run.ts') },
  { name: 'demo', usage: 'demo', describe: 'the tour: start the bundled LMS with demo data, run the exam-spike scenario at laptop scale, analyse it and write the HTML report', load: () => import('./commands/demo.ts') },
  { name: 'init', usage: 'init [dir]', describe: 'write a starter kit into your repository: an example scenario, budgets, a CI workflow', load: () => import('./commands/init.ts') },
  { name: 'check', usage: 'check <scenarios..>', describe: 'type-check scenarios against lmsload\'s types and validate their definitions, without sending a request', load: () => import('./commands/check.ts') },
  { name: 'scenarios', usage: 'scenarios', describe: 'list the ready scenarios that ship with lmsload (run them by name)', load: () => import('./commands/scenarios.ts') },
  { name: 'setup', usage: 'setup <scenario>', describe: "run a scenario's setup() once and write its result to a file, for every shard of a sharded run (run --shard K/N --setup-from FILE)", load: () => import('./commands/setup.ts') },
  { name: 'merge', usage: 'merge <shards..>', describe: 'merge the run directories of a sharded run (run --shard K/N) into one run, exactly, and analyse it', load: () => import('./commands/merge.ts') },
  { name: 'analyze', usage: 'analyze <run>', describe: 'analyse a run directory: statistics, budgets, bottleneck findings; writes analysis.json, report.html, summary.md and junit.xml', load: () => import('./commands/analyze.ts') },
  { name: 'report', usage: 'report <run>', describe: "write report.html, summary.md and junit.xml again from a run directory's analysis.json", load: () => import('./commands/report.ts') },
  { name: 'compare', usage: 'compare <baseline> <candidate>', describe: 'compare two runs per endpoint (a regression gate: exit 99 on a significant slowdown)', load: () => import('./commands/compare.ts') },
  { name: 'capacity', usage: 'capacity <scenario>', describe: "how many learners fit under an SLO: 'capacity <scenario> --slo p95<800ms' runs a ladder or a search; 'capacity fit --input data.csv' fits the USL", load: () => import('./commands/capacity.ts') },
  { name: 'drill', usage: 'drill <scenario>', describe: 'disaster-recovery drill: run a scenario, kill the target, restart (or restore) it, measure recovery time and lost writes', load: () => import('./commands/drill.ts') },
  { name: 'probe', usage: 'probe <url>', describe: 'raw throughput and latency of one endpoint (autocannon), recorded as a run directory to analyse and compare like any run', load: () => import('./commands/probe.ts') },
  { name: 'export', usage: 'export <tool> <scenario>', describe: 'export a scenario to another engine: k6 (one script, a k6-operator TestRun, a guide) or k8s (lmsload itself, sharded over a Kubernetes Indexed Job)', load: () => import('./commands/export.ts') },
  { name: 'import', usage: 'import <tool> <files..>', describe: "import another tool's results as a run directory (k6 --out json files, one per runner; a JMeter CSV JTL) and analyse them like a local run", load: () => import('./commands/import.ts') },
  { name: 'record', usage: 'record <kind> <file>', describe: "turn a recording into a scenario: har (a browser's HAR of a learner's session) → a journey skeleton with route templates, correlated ids and think times", load: () => import('./commands/record.ts') },
]
