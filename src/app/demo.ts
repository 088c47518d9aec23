// `lmsload demo` in two numbers (imported by the CLI at start-up for --help: keep this file import-free).

/** The ready scenario the demo runs. */
export const DEMO_SCENARIO = 'exam-spike'

/** 500 of the scenario's 2,000 learners: a visible spike that a 2-core laptop drives honestly in about 90 s. */
export const DEMO_SCALE = 0.25
