/**
 * Coalesces bursts of edits into few analyses without delaying the first: after a quiet
 * period a change is analysed on the next turn of the event loop; during a burst at most one
 * analysis runs per `intervalMs`, and the last change is always analysed.
 */
export class BurstScheduler {
  private readonly lastRun = new Map<string, number>();
  private readonly pending = new Map<string, { cancel: () => void }>();

  constructor(
    private readonly intervalMs: number,
    private readonly run: (uri: string) => void,
  ) {}

  schedule(uri: string): void {
    // A pending run reads the document when it fires, so it already covers this change.
    if (this.pending.has(uri)) return;
    const since = Date.now() - (this.lastRun.get(uri) ?? 0);
    const delay = Math.max(0, this.intervalMs - since);
    const fire = () => {
      this.pending.delete(uri);
      this.lastRun.set(uri, Date.now());
      this.run(uri);
    };
    // After a quiet period, the next turn: a zero timeout would wait a millisecond at least.
    if (delay === 0) {
      const immediate = setImmediate(fire);
      this.pending.set(uri, { cancel: () => clearImmediate(immediate) });
    } else {
      const timer = setTimeout(fire, delay);
      this.pending.set(uri, { cancel: () => clearTimeout(timer) });
    }
  }

  cancel(uri: string): void {
    this.pending.get(uri)?.cancel();
    this.pending.delete(uri);
    this.lastRun.delete(uri);
  }

  dispose(): void {
    for (const p of this.pending.values()) p.cancel();
    this.pending.clear();
  }
}
