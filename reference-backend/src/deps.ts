import type { BackendConfig, Behaviour } from './config.ts'
import type { EntityCache } from './cache.ts'
import type { Database } from './db/database.ts'
import type { Metrics } from './metrics.ts'
import type { Upstream } from './upstream.ts'
import type { CourseDetail, CatalogPage } from './routes/course-data.ts'
import type { QuizQuestions } from './routes/quizzes.ts'

/** Everything a route needs, built once per process by server.ts. */
export interface Deps {
  config: BackendConfig
  behaviour: Behaviour
  db: Database
  metrics: Metrics
  upstream: Upstream
  courseCache: EntityCache<CourseDetail>
  catalogCache: EntityCache<CatalogPage>
  questionCache: EntityCache<QuizQuestions>
  mediaSecret: Buffer
  /** Memory retained by the `memory-leak` profile; never read, never freed. */
  leaked: Buffer[]
}
