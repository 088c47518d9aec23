// `l.faker` in a k6 script: @faker-js/faker with the English locale, bundled only when the
// scenario's own code mentions faker (it adds about 0.5 MB that every k6 VU would parse).
import { Faker, en } from '@faker-js/faker'

export function makeFaker(): Faker {
  return new Faker({ locale: [en] })
}
