import type { ArrivalProfile } from './profile.ts'

export type { ArrivalProfile } from './profile.ts'
import { constant } from './constant.ts'
import { ramp } from './ramp.ts'
import { steps, ladder } from './steps.ts'
import { examSpike } from './exam-spike.ts'
import { videoWave } from './video-wave.ts'
import { enrollmentDay } from './enrollment-day.ts'
import { deadlineRush } from './deadline-rush.ts'
import { diurnal } from './diurnal.ts'

export const arrival = { constant, ramp, steps, ladder, examSpike, videoWave, enrollmentDay, deadlineRush, diurnal }

export function isArrivalProfile(value: unknown): value is ArrivalProfile {
  return typeof value === 'object' && value !== null && typeof (value as ArrivalProfile).rateAt === 'function' &&
    typeof (value as ArrivalProfile).durationMs === 'number'
}
