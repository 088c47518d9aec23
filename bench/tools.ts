// The comparison tools, fetched on first use (never project dependencies): autocannon, loadtest and
// Artillery from npm into .lmsload/bench-tools/, wrk and hey from Debian's packages (needs root).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const TOOLS_DIR = path.join(root, '.lmsload', 'bench-tools')
const NPM_TOOLS: Record<string, string> = { autocannon: 'autocannon@9.0.0', loadtest: 'loadtest@8.2.1', artillery: 'artillery@2.0.34' }

/** The path of an npm tool's binary, installed into .lmsload/bench-tools on first use; undefined if that fails. */
export function npmTool(name: keyof typeof NPM_TOOLS | string): string | undefined {
  const bin = path.join(TOOLS_DIR, 'node_modules', '.bin', name)
  if (existsSync(bin)) return bin
  process.stderr.write(`installing ${NPM_TOOLS[name]} into ${path.relative(root, TOOLS_DIR)} (once)…\n`)
  // Artillery pulls in Playwright, whose install script would download a browser: no internet here.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', TOOLS_DIR, NPM_TOOLS[name]!], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } })
  return r.status === 0 && existsSync(bin) ? bin : undefined
}

/** A tool from Debian's packages (wrk, hey); installed with apt-get when running as root. */
export function debianTool(name: 'wrk' | 'hey'): string | undefined {
  const has = () => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined
  const found = has()
  if (found) return found
  if (process.getuid?.() !== 0) return undefined
  process.stderr.write(`installing ${name} from Debian's packages (once)…\n`)
  spawnSync('sh', ['-c', `apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${name} >/dev/null 2>&1`])
  return has()
}
