// Opens a report from disk in Debian's Chromium (playwright-core) with the network blocked, and
// reports what rendered: the browser test and `npm run docs:screenshot` share this machinery.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from 'playwright-core'

export const CHROMIUM = process.env.LMSLOAD_CHROMIUM ?? '/usr/bin/chromium'

export interface OpenedReport {
  page: Page
  /** Console errors and uncaught page errors. */
  errors: string[]
  /** Every request the page tried that was not a file:// or data: URL (all were refused). */
  blocked: string[]
  status: { charts: number; rendered: number; failed: string[]; done: boolean }
  close(): Promise<void>
}

export async function openReport(file: string, options: { width?: number; height?: number } = {}): Promise<OpenedReport> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'lmsload-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    offline: true,
  })
  const errors: string[] = []
  const blocked: string[] = []
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue()
    blocked.push(url)
    return route.abort('blockedbyclient')
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  await page.waitForFunction(() => (globalThis as unknown as { lmsloadReport?: { done: boolean } }).lmsloadReport?.done === true, undefined, { timeout: 30_000 })
  const status = await page.evaluate(() => (globalThis as unknown as { lmsloadReport: OpenedReport['status'] }).lmsloadReport)
  return {
    page, errors, blocked, status,
    close: async () => {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}
