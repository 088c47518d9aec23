// `lmsload export k8s`: lmsload itself on several machines — a Kubernetes Indexed Job whose pods are
// the shards of one plan (`run --shard job/N`), meeting at a barrier on a ReadWriteMany volume, a
// merge Job, and the Dockerfile of the image they run. The manifests are plain objects typed with
// kubernetes-types and written as YAML; the tests validate them against the API's JSON schemas
// (kubernetes-models).
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { create as tarCreate } from 'tar'
import YAML from 'yaml'
import type { ConfigMap, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import type { Job } from 'kubernetes-types/batch/v1.js'
import { writeFileAtomic } from '../core/atomic-write.ts'
import { UserError } from '../core/errors.ts'
import { lmsloadVersion } from '../core/install.ts'
import { displayPath } from '../core/paths.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { runLoad } from '../engine/schedule/streams.ts'
import type { LoadShape } from '../scenario/shape.ts'
import { setRunParameters, type RunParameters } from '../scenario/params.ts'
import { defaultOutputDir } from './outputs.ts'
import { readyScenarioNames, resolveScenario } from './scenarios.ts'
import { parseTarget } from './target.ts'

export interface ExportK8sRequest {
  scenarioFile: string
  shards: number
  target: string
  image?: string
  outDir?: string
  shape?: LoadShape
  seed?: number
  /** Cores per shard (requests = limits: whole cores, Guaranteed QoS); workers = cores − 1. */
  cpus?: number
  /** The directory shipped with the scenario (default: the scenario file's). */
  context?: string
  parameters?: RunParameters
  /** Names of the secrets the scenario reads (values come from the Kubernetes Secret `<name>-secrets`). */
  secretNames?: string[]
}

export interface ExportK8sResult {
  dir: string
  job: string
  merge: string
  dockerfile: string
  readme: string
  name: string
  /** Learners each shard plans (the most of any shard). */
  learnersPerShard: number
  memoryMiB: number
  /** Bytes of the packed scenario directory (0 for a ready scenario, which the image holds). */
  archiveBytes: number
}

/**
 * Memory of a shard: a start of 256 MiB (the generator's process and one worker measured 123 MiB
 * at rest) plus 32 KiB per planned learner, the most measured per learner (docs/benchmarks.md §4:
 * 31 KiB at 10,000, 5–13 KiB at 50,000–100,000). Planned learners bound the concurrent ones.
 */
const BASE_MIB = 256
const KIB_PER_LEARNER = 32
/** A ConfigMap holds at most 1 MiB: a larger scenario directory belongs in the image. */
const CONFIGMAP_MAX_BYTES = 1024 * 1024 - 4096
const MOUNT = { results: '/results', scenario: '/scenario' }
const SKIP = new Set(['node_modules', 'reports', '.git', '.lmsload'])

const dnsName = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'scenario'
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

async function packDirectory(root: string): Promise<Buffer> {
  const entries = readdirSync(root).filter((n) => !SKIP.has(n) && !n.startsWith('.'))
  const chunks: Buffer[] = []
  const stream = tarCreate({ gzip: true, cwd: root, portable: true, filter: (p) => !p.split('/').some((part) => SKIP.has(part)) }, entries)
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

export async function exportScenarioToK8s(req: ExportK8sRequest): Promise<ExportK8sResult> {
  const ready = readyScenarioNames().includes(req.scenarioFile) && !existsSync(req.scenarioFile)
  const scenarioFile = path.resolve(resolveScenario(req.scenarioFile))
  setRunParameters(req.parameters ?? { env: {}, secrets: {} })
  const scenario = await importScenario(scenarioFile)
  parseTarget(req.target, true)
  const n = req.shards
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UserError('LMSLOAD_USAGE', `--shards: expected a whole number from 1 to 1000, got ${n}`)
  const cpus = req.cpus ?? 2
  const seed = req.seed ?? 1
  const shape = req.shape ?? {}
  const name = dnsName(`lmsload-${scenario.name}`)
  const dir = req.outDir === undefined ? defaultOutputDir('k8s', scenario.name) : path.resolve(req.outDir)
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UserError('LMSLOAD_EXPORT', `${displayPath(dir)} already exists and is not empty; choose another --out`)
  // Learners per shard: the busiest shard's part of the plan (shard 1 takes the remainder).
  const load = runLoad(scenario, shape, { seed, spacing: 'poisson', shard: { index: 0, count: n } })
  const learnersPerShard = load.learners
  const memoryMiB = Math.ceil((BASE_MIB + (learnersPerShard * KIB_PER_LEARNER) / 1024) / 64) * 64
  // The scenario's directory, packed into a ConfigMap; a ready scenario is in the image already.
  let archive: Buffer | undefined
  let inArchive = ''
  if (!ready) {
    const root = path.resolve(req.context ?? path.dirname(scenarioFile))
    const rel = path.relative(root, scenarioFile)
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UserError('LMSLOAD_USAGE', `--context ${displayPath(root)}: does not hold the scenario ${displayPath(scenarioFile)}`)
    archive = await packDirectory(root)
    if (archive.length > CONFIGMAP_MAX_BYTES) {
      throw new UserError('LMSLOAD_EXPORT', `${displayPath(root)}: packed, ${(archive.length / 1024).toFixed(0)} KiB, more than a ConfigMap holds (1 MiB); narrow --context, or COPY the directory into the image and run the Job's command against it`)
    }
    inArchive = rel.split(path.sep).join('/')
  }
  const scenarioArg = ready ? req.scenarioFile : `/work/${inArchive}`
  const durationS = Math.ceil(load.load.durationMs / 1000)
  const secretNames = req.secretNames ?? []
  const env = Object.entries(req.parameters?.env ?? {})
  const run = [
    'lmsload run', q(scenarioArg), '--target', q(req.target), '--allow-remote', '--shard', `job/${n}`, '--seed', String(seed),
    ...(shape.scale !== undefined ? ['--scale', String(shape.scale)] : []), ...(shape.size ? ['--size', shape.size] : []),
    ...(shape.durationMs !== undefined ? ['--duration', `${shape.durationMs}ms`] : []),
    '--workers', String(Math.max(1, cpus - 1)), '--barrier', '"$RUN_DIR/barrier"', '--barrier-timeout', '10m',
    ...(scenario.setup ? ['--setup-from', '"$RUN_DIR/setup.json"'] : []),
    ...env.flatMap(([k, v]) => ['--env', q(`${k}=${v}`)]), ...secretNames.flatMap((s) => ['--secret', s]),
    '--quiet', '--out', '"$RUN_DIR/shard-$((JOB_COMPLETION_INDEX + 1))"',
  ].join(' ')
  const setup = scenario.setup ? [
    // setup() runs once, in the first pod; the others wait for its file (the barrier bounds the wait).
    'if [ "$JOB_COMPLETION_INDEX" = 0 ]; then',
    `  lmsload setup ${q(scenarioArg)} --target ${q(req.target)} --allow-remote --seed ${seed} ${env.map(([k, v]) => `--env ${q(`${k}=${v}`)} `).join('')}${secretNames.map((s) => `--secret ${s} `).join('')}--out "$RUN_DIR/setup.json"`,
    'else',
    '  i=0; while [ ! -f "$RUN_DIR/setup.json" ]; do i=$((i + 1)); [ $i -gt 600 ] && { echo "lmsload: setup.json did not appear within 10 min (did pod 0 fail?)" >&2; exit 1; }; sleep 1; done',
    'fi',
  ] : []
  const script = [
    'set -eu',
    `RUN_DIR=${MOUNT.results}/${name}/$RUN_UID`,
    'mkdir -p "$RUN_DIR"',
    ...(ready ? [] : [`mkdir -p /work && tar -xzf ${MOUNT.scenario}/scenario.tgz -C /work`]),
    ...setup,
    `exec ${run}`,
  ].join('\n')
  const image = req.image ?? `lmsload:${lmsloadVersion()}`
  const labels = { 'app.kubernetes.io/name': 'lmsload', 'app.kubernetes.io/instance': name }
  const claim: PersistentVolumeClaim = {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${name}-results`, labels },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } } },
  }
  const configMap: ConfigMap | undefined = archive ? {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-scenario`, labels },
    binaryData: { 'scenario.tgz': archive.toString('base64') },
  } : undefined
  const resources = { requests: { cpu: String(cpus), memory: `${memoryMiB}Mi` }, limits: { cpu: String(cpus), memory: `${memoryMiB}Mi` } }
  const job: Job = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels },
    spec: {
      completionMode: 'Indexed', completions: n, parallelism: n,
      // A retried pod would replay its part of the plan: a failed shard fails the run.
      backoffLimit: 0,
      // The barrier (10 min at most), the plan, its graceful stop and the writing of the reports.
      activeDeadlineSeconds: 600 + durationS + 300,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } },
          containers: [{
            name: 'shard', image, command: ['sh', '-c', script],
            env: [
              { name: 'RUN_UID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } },
              ...secretNames.map((s) => ({ name: s, valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: s } } })),
            ],
            resources,
            volumeMounts: [{ name: 'results', mountPath: MOUNT.results }, ...(archive ? [{ name: 'scenario', mountPath: MOUNT.scenario, readOnly: true }] : [])],
          }],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: `${name}-results` } }, ...(archive ? [{ name: 'scenario', configMap: { name: `${name}-scenario` } }] : [])],
        },
      },
    },
  }
  const mergeJob: Job = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${name}-merge`, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'merge', image, command: ['sh', '-c', [
              'set -eu',
              `RUN_DIR=$(ls -td ${MOUNT.results}/${name}/*/ | head -n 1)`,
              // The gate's exit code (99: a budget failed) is the merge Job's: kubectl wait sees it.
              'exec lmsload merge "$RUN_DIR"shard-* --out "$RUN_DIR"merged',
            ].join('\n')],
            resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
            volumeMounts: [{ name: 'results', mountPath: MOUNT.results }],
          }],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: `${name}-results` } }],
        },
      },
    },
  }
  mkdirSync(dir, { recursive: true })
  const files = {
    job: path.join(dir, 'job.yaml'), merge: path.join(dir, 'merge-job.yaml'), dockerfile: path.join(dir, 'Dockerfile'), readme: path.join(dir, 'README.md'),
  }
  const header = `# Generated by lmsload ${lmsloadVersion()} export k8s: ${scenario.name} in ${n} shard${n > 1 ? 's' : ''} against ${req.target}.\n`
  writeFileAtomic(files.job, `${header}${[claim, ...(configMap ? [configMap] : []), job].map((o) => YAML.stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')}`)
  writeFileAtomic(files.merge, `${header}# Apply once the shards' Job completed: it merges their run directories into one, analysed and reported.\n${YAML.stringify(mergeJob, { lineWidth: 0, aliasDuplicateObjects: false })}`)
  writeFileAtomic(files.dockerfile, [
    '# The image every shard runs: Node 24 and the packed lmsload, installed globally (lmsload export k8s).',
    '# Build it beside the tarball: npm pack lmsload@' + lmsloadVersion() + ' (or npm pack in an lmsload checkout), then',
    `#   docker build -t ${image} .`,
    '# A scenario that imports npm packages of its project: add them here (RUN npm install -g <package>) or',
    '# copy the project in (COPY . /work and RUN cd /work && npm ci) and point the Job at /work.',
    'FROM node:24-slim',
    'COPY lmsload-*.tgz /tmp/',
    'RUN npm install --global --no-audit --no-fund /tmp/lmsload-*.tgz && rm /tmp/lmsload-*.tgz',
    'WORKDIR /work',
    'ENTRYPOINT []',
    'CMD ["lmsload", "--help"]',
    '',
  ].join('\n'))
  writeFileAtomic(files.readme, `# ${scenario.name}: ${n} lmsload shard${n > 1 ? 's' : ''} on Kubernetes

Generated by \`lmsload export k8s\`. Each pod of the Indexed Job \`${name}\` runs shard K = index + 1
of ${n} of one seeded plan (\`lmsload run --shard job/${n}\`): ${learnersPerShard.toLocaleString('en-US')} learners at most per shard,
${cpus} cores and ${memoryMiB} MiB each (requests = limits: whole cores, the Guaranteed QoS class, no CPU
throttling to make the generator late). Pods never share a node (anti-affinity): with fewer nodes
than shards some stay Pending, the others give up at the barrier after 10 minutes, and the Job fails.
${scenario.setup ? '\nsetup() runs once, in pod 0 (`lmsload setup`), and every shard reads its result from the volume.\n' : ''}
The scenario ${ready ? `is the ready scenario \`${req.scenarioFile}\`, in the image` : `directory is packed into the ConfigMap \`${name}-scenario\` (${(archive?.length ?? 0).toLocaleString('en-US')} bytes) and unpacked into /work`}.
Results go to the ReadWriteMany claim \`${name}-results\` under \`/results/${name}/<job uid>/\`.

    # 1. the image (Node 24 slim + the packed lmsload), pushed where the cluster pulls from
    npm pack lmsload@${lmsloadVersion()} && docker build -t ${image} . && docker push ${image}
${secretNames.length ? `    # the secrets the scenario reads, from your environment\n    kubectl create secret generic ${name}-secrets ${secretNames.map((s) => `--from-literal=${s}="$${s}"`).join(' ')}\n` : ''}    # 2. the shards: they meet at the barrier on the volume and start together
    kubectl apply -f job.yaml
    kubectl wait --for=condition=complete --timeout=${Math.ceil((600 + durationS + 300) / 60)}m job/${name}
    # 3. one run from the ${n} shards (exact histogram sums), analysed, with report.html
    kubectl apply -f merge-job.yaml && kubectl wait --for=condition=complete job/${name}-merge
    # 4. the merged run directory, to read or to gate on
    kubectl logs job/${name}-merge

The same four steps by hand, on machines of your own: \`lmsload setup\`, \`lmsload run --shard K/${n}
--barrier DIR\` on each machine (DIR on a shared file system, or \`--start-at\` an agreed instant),
\`lmsload merge\` (docs/integrations.md).
`)
  return { dir, ...files, name, learnersPerShard, memoryMiB, archiveBytes: archive?.length ?? 0 }
}
