// Waiting in tests: for a while, or until something holds.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `predicate` holds; after `timeoutMs` fails with what never happened (`what`, and
 * `describe()` for the state it was in).
 */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `\n${describe()}` : ''}`);
    await sleep(10);
  }
}
