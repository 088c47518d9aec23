export * from './histogram.ts'
export * from './interval.ts'
