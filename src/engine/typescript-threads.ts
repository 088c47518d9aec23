// TypeScript for worker threads, stripped by the thread that starts them.
//
// Node strips types with Amaro, SWC compiled to WebAssembly. V8 shares a compiled WebAssembly
// module between the isolates of a process, and with several isolates using it (the main thread
// and load workers, workers starting while others exit) Node 24.21 can crash in V8's wasm code
// (SIGSEGV in Runtime_TierUpWasmToJSWrapper → WasmCodeRefScope → NativeModule::FreeCode; the
// backtrace of a clean-clone CI run, 2026-12-05: a load worker in the test runner, after many runs). So a worker
// never strips: a synchronous module hook of its own sends each .ts file it loads to the thread
// that started it, which strips it with node:module's stripTypeScriptTypes (the same Amaro, in one
// isolate) and answers through shared memory. A library did not serve: the alternatives strip in
// the worker (Amaro again), or change the emitted code (sucrase and TypeScript move columns,
// which error locations and `definedAt` quote).
import { readFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import { fileURLToPath } from 'node:url'
import { MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads'

/** What a worker needs to ask for stripped sources: its end of the channel and the flag it waits on. */
export interface StripChannel {
  port: MessagePort
  /** Int32Array over 4 bytes: 0 while a request is open, 1 when its answer is on the port. */
  flag: SharedArrayBuffer
}

type Answer = { source: string } | { error: string; code?: string }

const stripped = new Map<string, string>()
let warned = false

/** Node's own strip, once per file; its first call's ExperimentalWarning is ours to keep quiet. */
function strip(url: string): string {
  let source = stripped.get(url)
  if (source !== undefined) return source
  const text = readFileSync(fileURLToPath(url), 'utf8')
  if (warned) source = stripTypeScriptTypes(text, { mode: 'strip', sourceUrl: url })
  else {
    const emit = process.emitWarning
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      if (!String(warning).includes('stripTypeScriptTypes')) (emit as (...a: unknown[]) => void).call(process, warning, ...rest)
    }) as typeof process.emitWarning
    try {
      source = stripTypeScriptTypes(text, { mode: 'strip', sourceUrl: url })
    } finally {
      process.emitWarning = emit
      warned = true
    }
  }
  stripped.set(url, source)
  return source
}

/**
 * The starting thread's side for one worker: answers its requests until the worker exits (`close`);
 * `served` lists the files it stripped for it.
 * Hand `channel` to the worker in its workerData, with `transfer` in the transfer list.
 */
export function serveStrippedSources(): { channel: StripChannel; transfer: TransferListItem[]; served: string[]; close(): void } {
  const { port1, port2 } = new MessageChannel()
  const flag = new SharedArrayBuffer(4)
  const signal = new Int32Array(flag)
  const served: string[] = []
  port1.on('message', (url: string) => {
    served.push(url)
    let answer: Answer
    try {
      answer = { source: strip(url) }
    } catch (error) {
      // Amaro's message says what, not where: the file goes first, as Node's own loader puts it.
      const e = error as Error & { code?: string }
      answer = { error: `${fileURLToPath(url)}: ${e.message}`, ...(e.code ? { code: e.code } : {}) }
    }
    port1.postMessage(answer)
    Atomics.store(signal, 0, 1)
    Atomics.notify(signal, 0)
  })
  // The worker keeps the process alive while it runs; this port must not keep it alive after.
  port1.unref()
  return { channel: { port: port2, flag }, transfer: [port2], served, close: () => port1.close() }
}

/**
 * The body of a worker started with `eval: true`: registers the load hook, then imports
 * `workerData.entry`. Plain JavaScript, so that starting the worker strips nothing in it.
 */
export const STRIPPED_WORKER_BOOTSTRAP = `
const { registerHooks } = require('node:module')
const { receiveMessageOnPort, workerData } = require('node:worker_threads')
const { port, flag } = workerData.strip
const signal = new Int32Array(flag)
registerHooks({
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !/\\.m?ts$/.test(url) || url.includes('/node_modules/')) return nextLoad(url, context)
    Atomics.store(signal, 0, 0)
    port.postMessage(url)
    Atomics.wait(signal, 0, 0)
    const answer = receiveMessageOnPort(port).message
    if (answer.error !== undefined) {
      const error = new SyntaxError(answer.error)
      if (answer.code) error.code = answer.code
      throw error
    }
    return { format: 'module', source: answer.source, shortCircuit: true }
  },
})
import(workerData.entry).catch((error) => { process.nextTick(() => { throw error }) })
`
