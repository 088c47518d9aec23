// --output KIND=WHERE (repeatable): the live outputs of a run.
import { UserError } from '../../core/errors.ts'
import { NdjsonOutput } from './ndjson.ts'
import type { Output } from './output.ts'

export type { Output, OutputReport } from './output.ts'
export { OutputsSink } from './output.ts'

const KINDS = ['prometheus', 'ndjson']

/**
 * The outputs `specs` name ('prometheus=http://127.0.0.1:9090/api/v1/write', 'ndjson=-'); one-line
 * errors. The remote-write encoder (protobufjs) is loaded only when a Prometheus output is asked
 * for: a run without one does not pay for it at start.
 */
export async function createOutputs(specs: readonly string[]): Promise<Output[]> {
  const PrometheusOutput = specs.some((s) => s.startsWith('prometheus=')) ? (await import('./prometheus.ts')).PrometheusOutput : undefined
  const outputs = specs.map((spec): Output => {
    const eq = spec.indexOf('=')
    const kind = eq < 0 ? spec : spec.slice(0, eq)
    const where = eq < 0 ? '' : spec.slice(eq + 1)
    if (!KINDS.includes(kind)) throw new UserError('LMSLOAD_USAGE', `--output ${spec}: unknown output '${kind}' (expected ${KINDS.map((k) => `${k}=…`).join(' or ')})`)
    if (where === '') throw new UserError('LMSLOAD_USAGE', `--output ${spec}: expected ${kind === 'prometheus' ? 'prometheus=URL of a remote-write receiver (http://127.0.0.1:9090/api/v1/write)' : 'ndjson=FILE, or ndjson=- for stdout'}`)
    if (kind === 'prometheus') {
      let url: URL
      try {
        url = new URL(where)
      } catch {
        throw new UserError('LMSLOAD_USAGE', `--output ${spec}: not a URL`)
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('LMSLOAD_USAGE', `--output ${spec}: expected an http(s) URL`)
      return new PrometheusOutput!(spec, url.href)
    }
    return new NdjsonOutput(spec, where)
  })
  if (outputs.filter((o) => o.usesStdout).length > 1) throw new UserError('LMSLOAD_USAGE', '--output: only one output can write to stdout')
  return outputs
}
