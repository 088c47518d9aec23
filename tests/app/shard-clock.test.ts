// A shard's clock against a reference, against real servers on loopback whose clocks are set off
// on purpose: the Date header bounds the offset to its second (narrowed where samples straddle a
// tick), a clock URL to its round trip; a shard proven more than 1 s off refuses to start.
import { createServer, type Server } from 'node:http'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { measureClock, provenSkewMs, skewBetween } from '../../src/app/shard/clock.ts'
import { runScenario } from '../../src/app/run.ts'
import { HttpClient } from '../../src/engine/http/client.ts'
import { writeScenario } from '../helpers/target.ts'

let server: Server
let url: string
beforeAll(async () => {
  // /ahead/<ms>: a server whose clock runs <ms> ahead, in its Date header and at /ahead/<ms>/now.
  server = createServer((req, res) => {
    const [, , ms, now] = (req.url ?? '/').split('/')
    const at = Date.now() + Number(ms ?? 0)
    res.setHeader('date', new Date(at).toUTCString())
    res.end(now === 'now' ? String(at) : now === 'garbage' ? 'tea time' : 'ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const client = () => new HttpClient({ connections: 2, requestTimeoutMs: 5000 })

describe("a shard's clock", () => {
  it("from the target's Date header: the offset lies in the interval, at most a second and a round trip wide", async () => {
    const http = client()
    const same = await measureClock(http, new URL(`${url}/ahead/0`), undefined)
    expect(same.method).toBe('date-header')
    expect(same.lowMs).toBeLessThanOrEqual(0)
    expect(same.highMs).toBeGreaterThanOrEqual(0)
    expect(same.highMs - same.lowMs).toBeLessThanOrEqual(1100)
    expect(provenSkewMs(same)).toBe(0)
    const behind = await measureClock(http, new URL(`${url}/ahead/5000`), undefined)
    expect(behind.lowMs).toBeLessThanOrEqual(-5000)
    expect(behind.highMs).toBeGreaterThanOrEqual(-5000)
    expect(provenSkewMs(behind)).toBeGreaterThan(3000)
    expect(skewBetween([same, behind]).provenMs).toBeGreaterThan(2000)
    await http.close()
  })

  it('from a clock URL: to within the round trip', async () => {
    const http = client()
    const c = await measureClock(http, new URL(url), `${url}/ahead/250/now`)
    expect(c.method).toBe('clock-url')
    expect(c.offsetMs).toBeGreaterThanOrEqual(-280)
    expect(c.offsetMs).toBeLessThanOrEqual(-220)
    expect(c.highMs - c.lowMs).toBeLessThan(50)
    await expect(measureClock(http, new URL(url), `${url}/ahead/0/garbage`)).rejects.toThrow(/^--clock-url .*: answered "tea time", not epoch milliseconds$/)
    await http.close()
  })

  it('a shard proven more than 1 s off refuses to start, before recording anything', async () => {
    const scenario = writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({ name: 'clocked', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: { a: { weight: 1, run: async (l) => { await l.get('/') } } } })`)
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-clock-')), 'run')
    await expect(runScenario({ scenarioFile: scenario, target: `${url}/ahead/3000`, out, shard: { index: 0, count: 2 }, startAtMs: Date.now() + 60_000 }, { signal: new AbortController().signal }))
      .rejects.toThrow(/^shard 1 of 2: this machine's clock is \d+ ms behind the target's Date header \(between -\d+ and -\d+ ms\): more than 1 s off; synchronise it \(NTP\) or pass --allow-skew$/)
    expect(existsSync(out)).toBe(false)
  })
})
