// The load sizes the CLI offers (--size), without loading the run use case that applies them.
export { SIZES, isSizeName, type SizeName } from '../scenario/sizes.ts'
