// The DR drill on the bundled backend, end to end through the CLI: kill -9 mid-run, restart,
// recovery time from the probe, every acknowledged answer read back; then a restore from the
// backup taken at the start, which must show the answers it loses.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Analysis } from '../../src/analyze/analysis.ts'
import type { DrillJson } from '../../src/record/layout/drill-json.ts'
import { PROBE_TIMEOUT_MS } from '../../src/app/drill.ts'
import { SEED_DEFAULTS } from '../../reference-backend/src/seed/generate.ts'
import { seededDatabase, spawnBackend } from '../helpers/backend.ts'
import { runCli } from '../helpers/cli.ts'

const BACKEND_CLI = fileURLToPath(new URL('../../reference-backend/src/cli.ts', import.meta.url))

const tmp = () => mkdtempSync(path.join(tmpdir(), 'lmsload-drill-'))
const read = <T>(dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T

describe('lmsload drill', () => {
  it('kills it at 50 %, restarts it, and reports the recovery time and no lost answer', async () => {
    const out = path.join(tmp(), 'drill')
    const r = await runCli(['drill', 'scenarios/dr-drill.ts', '--duration', '12s', '--kill-at', '50%', '--out', out, '--quiet'])
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const drill = read<DrillJson>(out, 'drill.json')
    expect(drill.kill.atSec).toBeGreaterThan(5)
    expect(drill.kill.atSec).toBeLessThan(8)
    expect(drill.kill.how).toMatch(/^SIGKILL to the bundled backend \(pid \d+\)$/)
    expect(drill.restart!.atSec).toBeGreaterThanOrEqual(drill.kill.atSec + 1)
    // From the probe: answered before the kill, not between the kill and the restart, answered after.
    // Probes are stamped when sent: one sent less than its timeout before the kill may still have
    // been waiting for its answer when the backend died, so only the earlier ones must be up.
    const probe = drill.probe.timeline
    expect(probe.filter(([t]) => t < drill.kill.atSec - PROBE_TIMEOUT_MS / 1000).every(([, up]) => up === 1)).toBe(true)
    expect(probe.filter(([t]) => t < drill.kill.atSec - PROBE_TIMEOUT_MS / 1000).length).toBeGreaterThan(30)
    expect(probe.filter(([t]) => t > drill.kill.atSec + 0.2 && t < drill.restart!.atSec).every(([, up]) => up === 0)).toBe(true)
    expect(drill.rtoSec).toBeGreaterThan(1)
    expect(drill.rtoSec).toBeLessThan(20)
    expect(drill.recovered!.atSec).toBeCloseTo(drill.kill.atSec + drill.rtoSec!, 1)
    // Every acknowledged answer and submit was read back from the recovered database.
    expect(drill.writes!.verifier).toBe('reference-backend')
    expect(drill.writes!.acknowledged).toBeGreaterThan(30)
    expect(drill.writes!.checked).toBe(drill.writes!.acknowledged)
    expect(drill.writes!.lost).toBe(0)
    expect(drill.problems).toEqual([])
    const acked = readFileSync(path.join(out, 'acknowledged-writes.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string })
    expect(acked.length).toBe(drill.writes!.acknowledged)
    expect(new Set(acked.map((w) => w.kind))).toContain('answer')

    const analysis = read<Analysis>(out, 'analysis.json')
    expect(analysis.drill!.failedDuringOutage).toBeGreaterThan(0)
    const outage = analysis.outages[0]!
    expect(outage.startSec).toBeGreaterThanOrEqual(Math.floor(drill.kill.atSec) - 1)
    expect(outage.startSec).toBeLessThanOrEqual(Math.ceil(drill.kill.atSec) + 1)
    expect(outage.failedByKind.refused).toBeGreaterThan(0)
    const failures = analysis.findings.find((f) => f.id === 'connection-failures')!
    expect(failures.evidence.window).toEqual({ startSec: outage.startSec, endSec: outage.endSec })
    // The restarted process's cold seconds are not steady behaviour: no critical blocking is read from them.
    expect(analysis.findings.filter((f) => f.id === 'event-loop-blocking' && f.severity === 'critical')).toEqual([])

    expect(r.stdout).toMatch(/acknowledged writes checked after recovery: none lost \(RPO 0 s\)/)
    const html = readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html).toContain('<section id="recovery"><h2>Outage and recovery</h2>')
    expect(html).toContain(`<dt>RTO (client view)</dt><dd>${drill.rtoSec!.toFixed(2)} s</dd>`)
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('### Outage and recovery')
  }, 120_000)

  it('restores the backup taken at the start: the drill finds the answers that restore lost and exits 99', async () => {
    const out = path.join(tmp(), 'restore')
    const r = await runCli(['drill', 'scenarios/dr-drill.ts', '--duration', '10s', '--kill-at', '60%', '--restore-from', 'pre-run', '--out', out, '--quiet'])
    expect(r.code, r.stderr + r.stdout).toBe(99)
    expect(r.stderr).toMatch(/drill: backup taken before the load: /)
    const drill = read<DrillJson>(out, 'drill.json')
    expect(drill.restore!.how).toMatch(/^restore from .*drill-.*\.sqlite$/)
    expect(drill.rtoSec).not.toBeNull()
    expect(drill.writes!.lost).toBeGreaterThan(0)
    // Only what was acknowledged before the kill can be lost; answers saved after the restart survive.
    expect(drill.writes!.lostSample.every((w) => w.t <= drill.kill.atSec)).toBe(true)
    expect(drill.writes!.rpoSec).toBeGreaterThan(1)
    expect(drill.writes!.lostSample[0]!.found).toBeNull()
    expect(r.stdout).toMatch(/\d+ LOST, the last [\d.]+ s before the kill/)
    expect(existsSync(path.join(out, 'report.html'))).toBe(true)
  }, 120_000)

  it('drills a target it did not start: --target-pid, a restart command, and a verify command reading $LMSLOAD_WRITES', async () => {
    // The demo population (2,000 learners): one exam account per learner of the drill.
    const db = await seededDatabase('sqlite', SEED_DEFAULTS)
    const backend = await spawnBackend(db)
    const port = new URL(backend.url).port
    const node = JSON.stringify(process.execPath)
    const cli = JSON.stringify(BACKEND_CLI)
    const dataDir = JSON.stringify(db.dataDir)
    const out = path.join(tmp(), 'external')
    try {
      const r = await runCli(['drill', 'scenarios/dr-drill.ts', '--target', backend.url, '--duration', '8s', '--kill-at', '50%', '--out', out, '--quiet',
        '--target-pid', String(backend.child.pid),
        '--restart-command', `${node} ${cli} start --data-dir ${dataDir} --port ${port} --log-level silent --login-rate-limit 10000`,
        '--verify-command', `${node} ${cli} verify-writes --data-dir ${dataDir} --writes "$LMSLOAD_WRITES"`])
      expect(r.code, r.stderr + r.stdout).toBe(0)
      expect(await backend.exited).toBe('SIGKILL')
      const drill = read<DrillJson>(out, 'drill.json')
      expect(drill.kill.how).toBe(`SIGKILL to pid ${backend.child.pid}`)
      expect(drill.restart!.how).toMatch(/^command: .* start --data-dir /)
      expect(drill.rtoSec).toBeGreaterThan(0.5)
      expect(drill.writes!.verifier).toMatch(/^command: .* verify-writes /)
      expect(drill.writes!.acknowledged).toBeGreaterThan(10)
      expect(drill.writes!.checked).toBe(drill.writes!.acknowledged)
      expect(drill.writes!.lost).toBe(0)
      expect(drill.problems).toEqual([])
    } finally {
      // The restart command's server outlives the drill by design: stop it here.
      const pidFile = path.join(db.dataDir, 'backend.pid')
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8'))
        try {
          process.kill(pid, 'SIGTERM')
        } catch {
          // already gone
        }
        for (let i = 0; i < 50 && existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 100))
      }
      await db.drop()
    }
  }, 120_000)
})
