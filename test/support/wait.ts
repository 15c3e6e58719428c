export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Resolves once `cond()` holds (polled every 5 ms); throws naming `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}
