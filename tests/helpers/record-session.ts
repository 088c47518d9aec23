// Records a learner's session against a running reference backend as a HAR, with Debian's Chromium
// (playwright-core's recordHar): the page signs in, opens its dashboard, a course, a lesson,
// reports progress and posts to the course forum, pausing between pages as a person would.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM } from './browser.ts'

export async function recordSession(baseUrl: string, harFile: string, options: { pauseMs?: number } = {}): Promise<void> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'lmsload-har-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
    recordHar: { path: harFile, content: 'embed' },
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(`${baseUrl}/healthz`)
    await page.evaluate(async ({ base, pause }) => {
      const wait = () => new Promise((r) => setTimeout(r, pause))
      const call = async (method: string, url: string, token?: string, body?: unknown) => {
        const res = await fetch(base + url, {
          method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        if (res.status >= 400) throw new Error(`${method} ${url}: HTTP ${res.status}`)
        return res.json() as Promise<any>
      }
      const login = await call('POST', '/api/auth/login', undefined, { username: 'learner3', password: 'learner-pass' })
      const token = login.token as string
      await wait()
      const dashboard = await call('GET', '/api/me/dashboard', token)
      const courseId = dashboard.courses[0].id as number
      await wait()
      const course = await call('GET', `/api/courses/${courseId}`, token)
      const lessonId = course.lessons[0].id as number
      await wait()
      await call('GET', `/api/lessons/${lessonId}`, token)
      await call('PUT', `/api/lessons/${lessonId}/progress`, token, { positionSec: 30, watchedSec: 30 })
      await wait()
      await call('POST', `/api/courses/${courseId}/forum/posts`, token, { title: 'A question about the first lesson', body: 'Where are the slides?' })
      await call('GET', `/api/courses/${courseId}/forum/posts?page=1`, token)
    }, { base: baseUrl, pause: options.pauseMs ?? 1500 })
  } finally {
    await context.close()
    rmSync(userDataDir, { recursive: true, force: true })
  }
}
