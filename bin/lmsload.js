#!/usr/bin/env node
// The installed `lmsload` command: checks the Node version, then runs the compiled CLI in dist/.
// Plain JavaScript that any Node can parse, so an old Node gets one line instead of a stack trace.
// (In a checkout without a build, `npm run lmsload -- …` runs the TypeScript sources.)
import { existsSync, readFileSync } from 'node:fs'
import module from 'node:module'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
// engines.node is one '>=major.minor' bound: a range library would cost more start-up than it saves.
const [needMajor, needMinor] = pkg.engines.node.replace('>=', '').split('.').map(Number)
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(`lmsload: needs Node ${pkg.engines.node}, found ${process.versions.node} (install Node 24 LTS, e.g. with nvm or from nodejs.org)`)
  process.exit(1)
}
const main = new URL('../dist/src/cli/main.js', import.meta.url)
if (!existsSync(main)) {
  console.error('lmsload: this copy has no build (dist/); run `npm run build`, or `npm run lmsload -- <command>` to run from sources')
  process.exit(1)
}
// V8's code cache on disk (Node ≥ 22.1): later starts skip compiling what they compiled before.
module.enableCompileCache?.()
const { cli } = await import(main.href)
process.exitCode = await cli(process.argv.slice(2))
