// The third-party modules the CLI needs before it knows which command runs. The package build
// (scripts/build-finish.ts) replaces the compiled copy of this file with one bundle of them:
// measured, loading yargs from its ~20 files cost more start-up than lmsload's own code.
export { default as yargs, type Argv } from 'yargs'
export { hideBin } from 'yargs/helpers'
export { closest, distance } from 'fastest-levenshtein'
