/**
 * The child side of `IsolatedProcess`: answers each request message with one reply, in order.
 * Also home of the test-only fault trigger (see `testFault`).
 */

export function serveRequests(handle: (message: unknown) => unknown): void {
  // Strictly one after another, in the order sent, even when `handle` awaits (the lint process
  // loads its parser on its first request): the parent may queue the next request while this one
  // runs (worker-pool.ts) and takes a crash for the one its reply is due from.
  let previous: Promise<unknown> = Promise.resolve();
  process.on('message', (m) => {
    previous = previous.then(() => handle(m)).then((reply) => process.send!(reply as object));
  });
  // The parent went away (it exited or killed us): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
}

/**
 * TEST-ONLY fault trigger, so crash isolation can be tested without relying on an engine bug
 * (which the engine's budgets are meant to remove). Honoured only when the environment
 * variable `SHAPELINT_TEST_FAULT` is set to `<kind>:<marker>` by the test that starts
 * shapelint; a file containing `<marker>` then makes the analysis process `abort`, `hang` or
 * run out of memory (`oom`). Without the variable, file contents can trigger nothing.
 */
export function testFault(text: string): void {
  const spec = process.env.SHAPELINT_TEST_FAULT;
  if (!spec) return;
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const marker = spec.slice(colon + 1);
  if (colon < 0 || !marker || !text.includes(marker)) return;
  if (kind === 'abort') process.abort();
  if (kind === 'hang') for (;;);
  if (kind === 'oom') {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
  }
}
