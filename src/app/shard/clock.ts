// How far this machine's clock is from a reference, so that shards started "at the same instant"
// are known to have been: the target's Date header (1 s resolution) or a clock URL (NTP-style).
import { UserError } from '../../core/errors.ts'
import type { HttpClient } from '../../engine/http/client.ts'

/** An estimate of this clock's offset from the reference (local − reference, ms): it lies in [lowMs, highMs]. */
export interface ClockEstimate {
  method: 'date-header' | 'clock-url'
  /** The middle of the interval. */
  offsetMs: number
  lowMs: number
  highMs: number
  /** The clock URL (clock-url only). */
  url?: string
}

/** The most a shard's clock may be proven off the reference, and the most two shards' may be apart. */
export const MAX_SKEW_MS = 1000

const SAMPLES = { 'date-header': 4, 'clock-url': 8 }
const SPACING_MS = { 'date-header': 260, 'clock-url': 20 }

type Interval = [number, number]

/** The intersection of every sample's interval (each holds the true offset); the narrowest sample's if they disagree (a clock stepped). */
function combine(samples: Interval[]): Interval {
  let lo = -Infinity
  let hi = Infinity
  for (const [a, b] of samples) {
    lo = Math.max(lo, a)
    hi = Math.min(hi, b)
  }
  if (lo <= hi) return [lo, hi]
  return samples.reduce((best, s) => (s[1] - s[0] < best[1] - best[0] ? s : best))
}

async function sample(client: HttpClient, url: URL, read: (status: number, headers: Record<string, unknown>, body: string) => { low: number; high: number } | string): Promise<Interval> {
  const t0 = Date.now()
  const res = await client.send(url.origin, { method: 'GET', path: `${url.pathname}${url.search}`, headers: [] }, true)
  const t1 = Date.now()
  const got = read(res.status, res.headers, res.body?.toString('utf8') ?? '')
  if (typeof got === 'string') throw new Error(got)
  return [t0 - got.high, t1 - got.low]
}

/**
 * Measures the offset: with `clockUrl` (a URL answering epoch milliseconds) to within half a round
 * trip; otherwise from the target's `Date` header, whose 1 s resolution only bounds gross skew
 * (samples a quarter second apart narrow the interval where the second ticks between them).
 */
export async function measureClock(client: HttpClient, target: URL, clockUrl: string | undefined): Promise<ClockEstimate> {
  const method = clockUrl ? 'clock-url' : 'date-header'
  const url = new URL(clockUrl ?? target.href)
  const read = clockUrl
    ? (_status: number, _headers: Record<string, unknown>, body: string) => {
        const ms = Number(body.trim())
        return Number.isFinite(ms) && ms > 1e12 ? { low: ms, high: ms + 1 } : `--clock-url ${clockUrl}: answered ${JSON.stringify(body.slice(0, 40))}, not epoch milliseconds`
      }
    : (_status: number, headers: Record<string, unknown>) => {
        const date = Date.parse(String(headers.date ?? ''))
        return Number.isFinite(date) ? { low: date, high: date + 1000 } : `${url.origin} sent no Date header to estimate this machine's clock from; give --clock-url`
      }
  const samples: Interval[] = []
  for (let i = 0; i < SAMPLES[method]; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, SPACING_MS[method]))
    try {
      samples.push(await sample(client, url, read))
    } catch (error) {
      throw new UserError('LMSLOAD_SHARD', (error as Error).message.startsWith('--clock-url') || (error as Error).message.includes('Date header') ? (error as Error).message : `${url.origin}: cannot read the clock: ${(error as Error).message}`)
    }
  }
  const [lowMs, highMs] = combine(samples)
  return { method, offsetMs: Math.round((lowMs + highMs) / 2), lowMs: Math.round(lowMs), highMs: Math.round(highMs), ...(clockUrl ? { url: clockUrl } : {}) }
}

/** How far the clock is proven off (0 when the interval holds 0). */
export function provenSkewMs(c: Pick<ClockEstimate, 'lowMs' | 'highMs'>): number {
  return c.lowMs > 0 ? c.lowMs : c.highMs < 0 ? -c.highMs : 0
}

/** Between shards: the skew proven (lower bound) and possible (upper bound) between the farthest two. */
export function skewBetween(clocks: ReadonlyArray<Pick<ClockEstimate, 'lowMs' | 'highMs'>>): { provenMs: number; atMostMs: number } {
  if (clocks.length < 2) return { provenMs: 0, atMostMs: 0 }
  const maxLow = Math.max(...clocks.map((c) => c.lowMs))
  const minHigh = Math.min(...clocks.map((c) => c.highMs))
  const maxHigh = Math.max(...clocks.map((c) => c.highMs))
  const minLow = Math.min(...clocks.map((c) => c.lowMs))
  return { provenMs: Math.max(0, maxLow - minHigh), atMostMs: maxHigh - minLow }
}

export function describeClock(c: ClockEstimate): string {
  const side = c.offsetMs >= 0 ? 'ahead of' : 'behind'
  return `${Math.abs(c.offsetMs)} ms ${side} ${c.method === 'clock-url' ? c.url : "the target's Date header"} (between ${c.lowMs} and ${c.highMs} ms)`
}
