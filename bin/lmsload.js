#!/usr/bin/env node
// Runs the compiled CLI when installed from a package, the TypeScript sources in a checkout
// (Node ≥ 22.18 strips types itself, but never inside node_modules).
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/src/cli/main.js', import.meta.url)
const { cli } = await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/main.ts', import.meta.url).href)
process.exitCode = await cli(process.argv.slice(2))
