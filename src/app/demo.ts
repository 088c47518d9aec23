import path from 'node:path'
import { PROJECT_ROOT } from './bundled-backend.ts'

/** `lmsload demo`: the exam-spike scenario against the bundled backend, at laptop scale. */
export const DEMO_SCENARIO = path.join(PROJECT_ROOT, 'scenarios', 'exam-spike.ts')

/** 500 of the scenario's 2,000 learners: a visible spike that a 2-core laptop drives honestly in about 90 s. */
export const DEMO_SCALE = 0.25
