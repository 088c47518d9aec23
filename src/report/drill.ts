import type { Analysis } from '../analyze/analysis.ts'
import { count } from './format.ts'

const sec = (v: number) => `${v.toFixed(1)} s`

/** One paragraph on a DR drill: what was done, the recovery time, the lost writes. */
export function drillSentence(a: Analysis): string | undefined {
  const d = a.drill
  if (!d) return undefined
  const parts = [`Drill: the target was killed at ${sec(d.kill.atSec)} (${d.kill.how})`]
  if (d.restore) parts.push(`restored in ${sec(d.restore.durationSec)} (${d.restore.how})`)
  parts.push(d.rtoSec === null
    ? 'it never answered again: no recovery'
    : `it answered again ${sec(d.rtoSec)} after the kill (RTO, seen from the client)`)
  parts.push(`${count(d.failedDuringOutage)} of ${count(d.requestsDuringOutage)} requests failed meanwhile`)
  let text = `${parts.join('; ')}.`
  if (d.writes) {
    text += d.writes.lost === 0
      ? ` ${count(d.writes.checked)} acknowledged writes checked after recovery: none lost (RPO 0 s).`
      : ` ${count(d.writes.checked)} acknowledged writes checked after recovery: ${count(d.writes.lost)} LOST, the last ${sec(d.writes.rpoSec)} before the kill (RPO ${sec(d.writes.rpoSec)}).`
    if (d.writes.checked < d.writes.acknowledged) text += ` ${count(d.writes.acknowledged - d.writes.checked)} could not be checked.`
  } else {
    text += ' No acknowledged writes were checked.'
  }
  for (const p of d.problems) text += ` Problem: ${p}.`
  return text
}

/** One line per outage the analyzer found (a drill's or an unplanned one). */
export function outageLines(a: Analysis): string[] {
  return (a.outages ?? []).map((o) => {
    const kinds = Object.entries(o.failedByKind).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${count(n)} ${k}`).join(', ')
    return `Down or hung for ${o.durationSec} s, from ${o.startSec} s to ${o.endSec} s: ${count(o.failed)} requests got no answer (${kinds})${o.answered ? `, ${count(o.answered)} were answered` : ''}.`
  })
}
