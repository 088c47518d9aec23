import { Faker, en } from '@faker-js/faker'

// Deterministic demo data: the same options give the same rows, byte for byte. Shapes follow what
// Moodle's test-plan generator builds (many learners, tens of courses, weekly quizzes, a final
// exam, video lessons), with course popularity skewed as real catalogues are.

export interface SeedOptions {
  learners: number
  courses: number
  seed: number
}

export const SEED_DEFAULTS: SeedOptions = { learners: 2000, courses: 40, seed: 42 }

/** Shared by every seeded account of a role, as load-test data sets usually are. */
export const DEMO_PASSWORDS = { learner: 'learner-pass', instructor: 'instructor-pass', admin: 'admin-pass' } as const

/** Seeded timestamps are relative to this instant, never to the clock, so seeds are reproducible. */
export const SEED_EPOCH_MS = Date.UTC(2026, 8, 1)
const DAY_MS = 86_400_000

export interface RowSink {
  add(table: TableName, row: unknown[]): void | Promise<void>
}

export const COLUMNS = {
  users: ['id', 'username', 'email', 'full_name', 'role', 'password_hash', 'created_at'],
  courses: ['id', 'code', 'title', 'summary', 'category', 'instructor_id', 'published', 'max_enrolments', 'updated_at'],
  lessons: ['id', 'course_id', 'position', 'title', 'duration_sec'],
  quizzes: ['id', 'course_id', 'title', 'time_limit_sec', 'opens_at', 'closes_at', 'answers_saved'],
  questions: ['id', 'quiz_id', 'position', 'prompt', 'options', 'correct_index', 'points'],
  assignments: ['id', 'course_id', 'title', 'due_at', 'max_bytes'],
  enrolments: ['id', 'user_id', 'course_id', 'enrolled_at'],
  progress: ['id', 'user_id', 'lesson_id', 'position_sec', 'watched_sec', 'completed', 'updated_at'],
  attempts: ['id', 'quiz_id', 'user_id', 'state', 'started_at', 'deadline_at', 'finished_at', 'score', 'max_score'],
  answers: ['id', 'attempt_id', 'question_id', 'choice_index', 'saved_at'],
  forum_posts: ['id', 'course_id', 'user_id', 'title', 'body', 'created_at'],
} as const

export type TableName = keyof typeof COLUMNS

export interface PasswordHashes {
  learner: string
  instructor: string
  admin: string
}

const SUBJECTS = [
  'Biology', 'Calculus', 'Statistics', 'Chemistry', 'Physics', 'Economics', 'Psychology', 'Philosophy',
  'Computer Science', 'Data Science', 'Linear Algebra', 'World History', 'Literature', 'Marketing',
  'Accounting', 'Nursing', 'Law', 'Architecture', 'Music Theory', 'Spanish', 'Machine Learning', 'Ecology',
]
const LEVELS = ['Introduction to', 'Foundations of', 'Intermediate', 'Advanced', 'Applied', 'Topics in']
const CATEGORIES = ['Science', 'Mathematics', 'Humanities', 'Business', 'Health', 'Engineering', 'Languages', 'Arts']
const LESSONS_PER_COURSE = { min: 8, max: 16 }
// Mid-semester: four weekly quizzes, half of them already taken by a typical learner, and a
// final exam few have attempted yet. This history is what answer and attempt lookups search.
const QUIZZES = [
  ...[1, 2, 3, 4].map((week) => ({ title: `Weekly quiz ${week}`, timeLimitSec: 1200, questions: 10, attemptedShare: 0.5 })),
  { title: 'Final exam', timeLimitSec: 3600, questions: 20, attemptedShare: 0.1 },
]
const POSTS_PER_COURSE = 25

export interface SeedSummary {
  users: number
  learners: number
  instructors: number
  courses: number
  lessons: number
  quizzes: number
  questions: number
  enrolments: number
  progress: number
  attempts: number
  answers: number
  forumPosts: number
}

interface CourseShape {
  id: number
  published: boolean
  lessonIds: number[]
  quizzes: Array<{ id: number; timeLimitSec: number; attemptedShare: number; questions: Array<{ id: number; correct: number }> }>
}

/** Zipf-like popularity: course k is chosen with weight 1/(k+1)^0.8. */
function popularityPicker(faker: Faker, count: number): () => number {
  const cumulative: number[] = []
  let total = 0
  for (let k = 0; k < count; k++) {
    total += 1 / (k + 1) ** 0.8
    cumulative.push(total)
  }
  return () => {
    const x = faker.number.float({ min: 0, max: total })
    let lo = 0
    let hi = count - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

export function instructorCount(courses: number): number {
  return Math.max(2, Math.ceil(courses / 5))
}

export async function generate(options: SeedOptions, hashes: PasswordHashes, sink: RowSink): Promise<SeedSummary> {
  const faker = new Faker({ locale: [en] })
  faker.seed(options.seed)
  faker.setDefaultRefDate(new Date(SEED_EPOCH_MS))
  const summary: SeedSummary = {
    users: 0, learners: options.learners, instructors: instructorCount(options.courses), courses: options.courses,
    lessons: 0, quizzes: 0, questions: 0, enrolments: 0, progress: 0, attempts: 0, answers: 0, forumPosts: 0,
  }
  const createdAt = SEED_EPOCH_MS - 180 * DAY_MS

  let userId = 0
  await sink.add('users', [++userId, 'admin', 'admin@lms.example', 'Site Administrator', 'admin', hashes.admin, createdAt])
  const instructorIds: number[] = []
  for (let i = 1; i <= summary.instructors; i++) {
    const first = faker.person.firstName()
    const last = faker.person.lastName()
    instructorIds.push(++userId)
    await sink.add('users', [userId, `instructor${i}`, `instructor${i}@lms.example`, `${first} ${last}`, 'instructor', hashes.instructor, createdAt])
  }
  const firstLearnerId = userId + 1
  for (let i = 1; i <= options.learners; i++) {
    const first = faker.person.firstName()
    const last = faker.person.lastName()
    await sink.add('users', [++userId, `learner${i}`, `learner${i}@lms.example`, `${first} ${last}`, 'learner', hashes.learner, createdAt + faker.number.int(90) * DAY_MS])
  }
  summary.users = userId

  const courses: CourseShape[] = []
  let lessonId = 0
  let quizId = 0
  let questionId = 0
  let assignmentId = 0
  for (let c = 1; c <= options.courses; c++) {
    const subject = faker.helpers.arrayElement(SUBJECTS)
    const title = `${faker.helpers.arrayElement(LEVELS)} ${subject}`
    const category = faker.helpers.arrayElement(CATEGORIES)
    // The first course is always published so even a one-course seed has somewhere to enrol.
    const published = c === 1 || faker.number.float() < 0.95 ? 1 : 0
    await sink.add('courses', [c, `${subject.slice(0, 3).toUpperCase()}${100 + c}`, title, faker.lorem.paragraph(), category,
      instructorIds[(c - 1) % instructorIds.length]!, published, 0, createdAt])
    const shape: CourseShape = { id: c, published: published === 1, lessonIds: [], quizzes: [] }
    const lessons = faker.number.int(LESSONS_PER_COURSE)
    for (let position = 1; position <= lessons; position++) {
      shape.lessonIds.push(++lessonId)
      await sink.add('lessons', [lessonId, c, position, `${position}. ${faker.lorem.words({ min: 2, max: 5 })}`, faker.number.int({ min: 300, max: 1800 })])
    }
    for (const quiz of QUIZZES) {
      const q = { id: ++quizId, timeLimitSec: quiz.timeLimitSec, attemptedShare: quiz.attemptedShare, questions: [] as Array<{ id: number; correct: number }> }
      await sink.add('quizzes', [q.id, c, quiz.title, quiz.timeLimitSec, SEED_EPOCH_MS - 30 * DAY_MS, SEED_EPOCH_MS + 730 * DAY_MS, 0])
      for (let position = 1; position <= quiz.questions; position++) {
        const optionsText = JSON.stringify(Array.from({ length: 4 }, () => faker.lorem.words({ min: 1, max: 4 })))
        const correct = faker.number.int(3)
        q.questions.push({ id: ++questionId, correct })
        await sink.add('questions', [questionId, q.id, position, `${faker.lorem.sentence()}?`, optionsText, correct, 1])
      }
      shape.quizzes.push(q)
    }
    const assignments = faker.number.int({ min: 1, max: 2 })
    for (let a = 1; a <= assignments; a++) {
      await sink.add('assignments', [++assignmentId, c, `Assignment ${a}: ${faker.lorem.words(3)}`, SEED_EPOCH_MS + (30 + 30 * a) * DAY_MS, 10 * 1024 * 1024])
    }
    courses.push(shape)
  }
  summary.lessons = lessonId
  summary.quizzes = quizId
  summary.questions = questionId

  // Learners enrol only in published courses; hidden ones are still being prepared.
  const open = courses.filter((c) => c.published)
  const pickCourse = popularityPicker(faker, open.length)
  let enrolmentId = 0
  let progressId = 0
  let attemptId = 0
  let answerId = 0
  for (let learner = firstLearnerId; learner < firstLearnerId + options.learners; learner++) {
    const wanted = Math.min(open.length, faker.number.int({ min: 2, max: 6 }))
    const chosen = new Set<number>()
    for (let guard = 0; chosen.size < wanted && guard < wanted * 20; guard++) chosen.add(pickCourse())
    for (const index of chosen) {
      const course = open[index]!
      const enrolledAt = SEED_EPOCH_MS - faker.number.int({ min: 1, max: 120 }) * DAY_MS
      await sink.add('enrolments', [++enrolmentId, learner, course.id, enrolledAt])
      const watched = faker.number.int(course.lessonIds.length)
      for (let l = 0; l < watched && l < course.lessonIds.length; l++) {
        const complete = l < watched - 1
        const seconds = faker.number.int({ min: 60, max: 1800 })
        await sink.add('progress', [++progressId, learner, course.lessonIds[l]!, seconds, seconds, complete ? 1 : 0, enrolledAt + (l + 1) * DAY_MS])
      }
      for (const quiz of course.quizzes) {
        if (faker.number.float() >= quiz.attemptedShare) continue
        const startedAt = enrolledAt + faker.number.int({ min: 7, max: 60 }) * DAY_MS
        const finishedAt = startedAt + faker.number.int({ min: 300, max: quiz.timeLimitSec }) * 1000
        let score = 0
        const id = ++attemptId
        const answers: unknown[][] = []
        for (const question of quiz.questions) {
          const choice = faker.number.float() < 0.7 ? question.correct : faker.number.int(3)
          if (choice === question.correct) score++
          answers.push([++answerId, id, question.id, choice, finishedAt])
        }
        await sink.add('attempts', [id, quiz.id, learner, 'finished', startedAt, startedAt + quiz.timeLimitSec * 1000, finishedAt, score, quiz.questions.length])
        for (const answer of answers) await sink.add('answers', answer)
      }
    }
  }
  summary.enrolments = enrolmentId
  summary.progress = progressId
  summary.attempts = attemptId
  summary.answers = answerId

  let postId = 0
  for (const course of courses) {
    for (let i = 0; i < POSTS_PER_COURSE; i++) {
      const author = firstLearnerId + faker.number.int(options.learners - 1)
      await sink.add('forum_posts', [++postId, course.id, author, faker.lorem.sentence({ min: 3, max: 8 }), faker.lorem.paragraphs(2), SEED_EPOCH_MS - faker.number.int({ min: 1, max: 90 * 24 * 60 }) * 60_000])
    }
  }
  summary.forumPosts = postId
  return summary
}
