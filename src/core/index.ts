export * from './errors.ts'
export * from './units.ts'
export * from './rng.ts'
export * from './clock.ts'
