import type { Analysis } from '../analyze/analysis.ts'
import { count, pct } from './format.ts'
import { endSentence } from './verdict-text.ts'

/** Why the numbers of this run deserve less trust, in plain words; empty when nothing is known. */
export function trustWarnings(a: Analysis): string[] {
  const out: string[] = []
  // The generator's and the machine's own noise: the findings' text, written once by their rules.
  for (const id of ['generator-saturated', 'noisy-machine']) {
    const f = a.findings.find((x) => x.id === id)
    if (f) out.push(`${f.title}. ${f.explanation} ${f.recommendation}`)
  }
  if (a.trust.droppedArrivals > 0) out.push(`${count(a.trust.droppedArrivals)} planned arrivals (${pct(a.arrivals.planned ? a.trust.droppedArrivals / a.arrivals.planned : null)}) were dropped by the generator (the learner cap was reached, or more requests waited for a connection than the target could answer within the timeout): the target saw less load than the scenario describes.`)
  if (a.trust.closedModel) out.push('Closed model: each virtual learner waits for its previous request, so a slow server receives fewer requests and queueing hides from the latency figures (coordinated omission). Prefer an open arrival model for capacity questions.')
  const sh = a.trust.shards
  if (sh) {
    out.push(`Merged from ${sh.count} shards of one plan (${sh.hosts.length} machine${sh.hosts.length > 1 ? 's' : ''}: ${sh.hosts.join(', ')}): their clocks were at most ${count(sh.skewAtMostMs)} ms apart (${sh.clock === 'clock-url' ? 'measured against the clock URL' : "bounded by the target's Date header, to the second"})${sh.skewProvenMs > 0 ? `, at least ${count(sh.skewProvenMs)} ms` : ''}. Resources of the target and the machine are the first shard's; every shard's are in resources.ndjson.`)
  }
  const end = endSentence(a.verdict.end)
  if (a.trust.incomplete && end) out.push(`${end}.`)
  for (const w of a.warnings) out.push(w)
  return out
}
