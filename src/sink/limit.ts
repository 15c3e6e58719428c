/** Runs at most `n` tasks at once; the others wait in arrival order (a finished task hands its slot on). */
export function createLimit(n: number) {
  let active = 0
  const waiting: Array<() => void> = []
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve))
    else active++
    try {
      return await task()
    } finally {
      const handOver = waiting.shift()
      if (handOver) handOver()
      else active--
    }
  }
}
