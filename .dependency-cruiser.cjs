// The import rules of DESIGN.md: data flows one way between the stages of src/, and src/ and the
// reference backend share nothing but HTTP. tests/project/boundaries.test.ts runs this.
const STAGES = {
  core: [],
  scenario: ['core'],
  metrics: ['core'],
  engine: ['core', 'scenario', 'metrics'],
  record: ['core', 'metrics'],
  analyze: ['core', 'metrics', 'record'],
  report: ['core', 'analyze'],
  integrations: ['core', 'scenario', 'metrics', 'record'],
  app: ['core', 'scenario', 'metrics', 'engine', 'record', 'analyze', 'report', 'integrations'],
  cli: ['app', 'core'],
}

const stageRules = Object.entries(STAGES).map(([stage, allowed]) => ({
  name: `${stage}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
  comment: `src/${stage}/ may import ${allowed.length ? allowed.map((a) => `src/${a}/`).join(', ') : 'nothing else from src/'}`,
  severity: 'error',
  from: { path: `^src/${stage}/` },
  to: { path: '^src/', pathNot: [`^src/${stage}/`, ...allowed.map((a) => `^src/${a}/`), '^src/index\\.ts$'] },
}))

module.exports = {
  forbidden: [
    ...stageRules,
    {
      name: 'report-uses-analyze-types-only',
      comment: 'report writers render analysis.json; they may import the analyzer\'s types, never its code',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/analyze/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'toolkit-and-backend-share-only-http',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^reference-backend/' },
    },
    {
      name: 'backend-and-toolkit-share-only-http',
      severity: 'error',
      from: { path: '^reference-backend/' },
      to: { path: '^src/' },
    },
    { name: 'no-circular', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
