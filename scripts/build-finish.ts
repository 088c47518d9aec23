// The last step of `npm run build`, after tsc:
// 1. replaces dist/src/cli/deps.js (re-exports of yargs and friends) with one esbuild bundle of them.
//    Measured with bench/startup.ts: Node's ESM loader resolving and reading yargs' ~20 files cost
//    ~25 ms of every command's start-up; one file costs a fraction.
// 2. gives the compiled k6 runtime (dist/k6-runtime/) the tsconfig and global types its type-check uses.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const file = path.join(root, 'dist', 'src', 'cli', 'deps.js')

// string-width (cliui's, for wrapping --help) builds an Intl.Segmenter as it is imported: ~14 ms of
// ICU start-up on every command. This stand-in answers plain text itself (every character one
// column wide) and loads the real module the first time it meets anything else.
const lazyStringWidth: esbuild.Plugin = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, (args) =>
      args.namespace === 'lazy' ? undefined : { path: 'string-width', namespace: 'lazy' })
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      resolveDir: path.join(root, 'node_modules', 'cliui'),
      contents: `
        // Printable ASCII, Latin-1, general punctuation, arrows and mathematical operators: one column each.
        const NARROW = /^[\\x20-\\x7e\\u00a0-\\u02ff\\u2010-\\u2027\\u2030-\\u205e\\u2190-\\u22ff]*$/
        let real
        export default function stringWidth(text, options) {
          if (typeof text === 'string' && NARROW.test(text)) return text.length
          real ??= require('string-width').default
          return real(text, options)
        }`,
    }))
  },
}

await esbuild.build({
  entryPoints: [file],
  outfile: file,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  legalComments: 'inline',
  logLevel: 'warning',
  // CommonJS inside the bundle (y18n's, yargs-parser's) may require Node's own modules.
  banner: { js: "import { createRequire as __lmsloadRequire } from 'node:module'; const require = __lmsloadRequire(import.meta.url);" },
  plugins: [lazyStringWidth],
})

const runtimeSource = path.join(root, 'src', 'integrations', 'k6', 'runtime')
const runtimeDist = path.join(root, 'dist', 'k6-runtime', 'integrations', 'k6', 'runtime')
copyFileSync(path.join(runtimeSource, 'globals.d.ts'), path.join(runtimeDist, 'globals.d.ts'))
const config = JSON.parse(readFileSync(path.join(runtimeSource, 'tsconfig.json'), 'utf8'))
config.compilerOptions.paths = { lmsload: ['./lmsload.d.ts'], 'lmsload:faker': ['./faker.d.ts'] }
config.files = ['./adapter.d.ts', './globals.d.ts']
writeFileSync(path.join(runtimeDist, 'tsconfig.json'), `${JSON.stringify(config, null, 2)}\n`)
