import type { Analysis } from '../analyze/analysis.ts'
import type { Comparison } from '../analyze/compare/compare.ts'
import { pct, signedPct } from './format.ts'
import { budgetDetail, journeyErrorLine } from './verdict-text.ts'

/** XML 1.0 text and attribute escaping; characters XML 1.0 forbids are dropped. */
export function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

interface Case {
  name: string
  classname: string
  failure?: { message: string; detail: string }
}

function suite(name: string, cases: Case[], timeSec: number, timestamp?: string): string {
  const failures = cases.filter((c) => c.failure).length
  const body = cases.map((c) => {
    const open = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" time="0">`
    if (!c.failure) return `${open}</testcase>`
    return `${open}\n      <failure message="${xml(c.failure.message)}" type="budget">${xml(c.failure.detail)}</failure>\n    </testcase>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lmsload" tests="${cases.length}" failures="${failures}" errors="0" time="${timeSec}">`,
    `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${timeSec}"${timestamp ? ` timestamp="${xml(timestamp)}"` : ''}>`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}

/** junit.xml: one test case per budget; a failing budget is a failure carrying the measured value. */
export function junitBudgets(a: Analysis): string {
  const cases: Case[] = a.budgets.map((b) => {
    const name = `${b.target}: ${b.rule}`
    const errors = b.metric === 'failed' && a.journeyErrors.length ? `\njourney errors:\n${a.journeyErrors.slice(0, 10).map((e) => `  ${journeyErrorLine(e)}`).join('\n')}` : ''
    if (b.verdict.kind === 'passed' || (b.verdict.kind === 'not-judged' && !b.verdict.gates)) return { name, classname: `lmsload.${a.run.scenario}` }
    const message = `${b.target} ${b.rule}: ${budgetDetail(b)}${b.margin === null ? '' : ` (margin ${signedPct(b.margin)})`}`
    return { name, classname: `lmsload.${a.run.scenario}`, failure: { message, detail: `${message}${errors}\nrun: ${a.run.id}\nsource: ${b.source} (${b.where})` } }
  })
  // Journeys that threw are a failing case of their own whatever the budgets allow: k6 prints script errors too.
  if (a.journeyErrors.length && !a.budgets.some((b) => b.metric === 'failed' && b.verdict.kind === 'failed')) {
    const message = `${a.verdict.journeys.failed} of ${a.verdict.journeys.ended} ended journeys threw`
    cases.push({ name: 'journeys: no script errors', classname: `lmsload.${a.run.scenario}`, failure: { message, detail: `${message}\n${a.journeyErrors.slice(0, 10).map((e) => `  ${journeyErrorLine(e)}`).join('\n')}` } })
  }
  return suite(`lmsload budgets: ${a.run.scenario}`, cases, a.run.durationSec, a.run.startedAt)
}

/** comparison junit: one test case per endpoint's regression check. */
export function junitComparison(c: Comparison): string {
  const cases: Case[] = c.endpoints.map((e) => {
    const name = `${e.name}: no regression over ${pct(c.maxRegression, 0)}`
    if (e.verdict !== 'regression') return { name, classname: `lmsload.compare.${c.candidate.scenario}` }
    const message = `p95 ${signedPct(e.change.p95)}, p99 ${signedPct(e.change.p99)}${e.test ? ` (Mann–Whitney p = ${e.test.p.toFixed(4)})` : ''}: ${e.reason}`
    return { name, classname: `lmsload.compare.${c.candidate.scenario}`, failure: { message, detail: `${message}\nbaseline: ${c.baseline.id}\ncandidate: ${c.candidate.id}` } }
  })
  return suite(`lmsload compare: ${c.candidate.scenario}`, cases, 0)
}
