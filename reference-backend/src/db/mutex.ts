/** A FIFO async mutex: SQLite has one writer, so in-process writers queue here instead of busy-sleeping. */
export class Mutex {
  private locked = false
  private readonly queue: Array<() => void> = []

  acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true
      return Promise.resolve()
    }
    return new Promise((resolve) => this.queue.push(resolve))
  }

  release(): void {
    const next = this.queue.shift()
    if (next) next()
    else this.locked = false
  }

  get waiting(): number {
    return this.queue.length
  }
}
