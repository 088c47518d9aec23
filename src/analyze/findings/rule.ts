import type { Finding } from '../analysis.ts'
import type { Signals } from './signals.ts'

/**
 * One bottleneck rule: a pure function from the run's signals to zero or one finding. Adding a
 * cause is adding a file (Clinic.js Doctor keeps one analysis per signal the same way).
 */
export interface FindingRule {
  id: string
  /** Trust findings say how far the numbers can be believed, not what the server does. */
  kind: 'cause' | 'trust'
  detect(signals: Signals): Omit<Finding, 'category'> | undefined
  /**
   * What the rule needs and this run lacks, or undefined when it can judge. A rule that cannot
   * judge reports "not evaluated" rather than a silence that would read as healthy.
   */
  missing?(signals: Signals): MissingData | undefined
}

/** Why a rule could not judge the run, and what data would let it. */
export interface MissingData {
  reason: string
  needs: string
}
