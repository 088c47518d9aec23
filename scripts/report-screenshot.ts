// Regenerates the README's report screenshot with the browser test's machinery: runs the demo (or
// takes a run directory), opens its report.html in Chromium with the network blocked, and saves
// docs/img/report.png plus docs/img/report.json, which records the renderer sources it shows.
// tests/report/screenshot.test.ts fails when src/report/ changed since: run `npm run docs:screenshot`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openReport } from '../tests/helpers/browser.ts'
import { reportSourcesHash } from './report-sources.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
let dir = process.argv[2]
if (!dir) {
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-screenshot-')), 'demo')
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'demo', '--out', dir, '--quiet'], { stdio: 'inherit' })
  if (r.status !== 0 && r.status !== 99) process.exit(r.status ?? 1)
}
const report = await openReport(path.join(dir, 'report.html'), { width: 1280, height: 1500 })
try {
  if (report.errors.length || report.status.failed.length) throw new Error(`the report did not render cleanly: ${[...report.errors, ...report.status.failed].join('; ')}`)
  const file = path.join(root, 'docs/img/report.png')
  await report.page.evaluate('document.querySelector("nav.toc").style.position = "static"')
  await report.page.screenshot({ path: file })
  writeFileSync(path.join(root, 'docs/img/report.json'), `${JSON.stringify({ run: path.basename(dir), sources: reportSourcesHash(root), note: 'regenerate with: npm run docs:screenshot' }, null, 2)}\n`)
  process.stdout.write(`wrote ${path.relative(root, file)} from ${dir}\n`)
} finally {
  await report.close()
}
