import type { Faker } from '@faker-js/faker'

// `l.faker` in a k6 script whose scenario never mentions faker: the library is left out of the bundle.
export function makeFaker(): Faker {
  throw new Error('l.faker: this k6 script was exported without faker (the scenario source never mentions it); re-export after using it')
}
