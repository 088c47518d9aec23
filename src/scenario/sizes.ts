// The sizes of Moodle's own performance test plans (admin/tool/generator): XS to XXL learners.
export const SIZES = { XS: 1, S: 30, M: 100, L: 1_000, XL: 5_000, XXL: 10_000 } as const

export type SizeName = keyof typeof SIZES

export function isSizeName(value: string): value is SizeName {
  return Object.hasOwn(SIZES, value)
}
