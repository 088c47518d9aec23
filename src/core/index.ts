export * from './errors.ts'
export * from './units.ts'
