// Injected faults: which request gets which failure, reproducibly (seeded PRNG).

/**
 * What a hostile endpoint (a caller-chosen endPointURL) can answer instead of an error: `hugeAnswer`, a
 * 200 whose valid JSON body is `bytes` long, streamed (never built in memory); `repeatToken`, the first
 * page again with the same NextToken (`token`) every time; `endlessPages`, the first page again with a
 * new NextToken every time.
 */
export type HostileKind = 'hugeAnswer' | 'repeatToken' | 'endlessPages'

export type FaultKind = 'accessDenied' | 'throttle' | 'http500' | 'latency' | 'reset' | 'expiredToken' | 'invalidToken' | HostileKind

export interface Fault {
  /** 'glue:GetTables', 'athena:StartQueryExecution', 'sts:AssumeRole'; 'glue:*' for a whole service; '*' for all. */
  action: string
  kind: FaultKind
  /** Probability 0..1 that a matching request gets the fault (default 1), drawn from the seeded PRNG. */
  rate?: number
  /** Apply at most this many times, then stop. */
  times?: number
  /** Delay for `latency`. */
  ms?: number
  /** Body size of a `hugeAnswer`. */
  bytes?: number
  /** `hugeAnswer`: send Content-Length (default: chunked, so only counting the bytes can stop it). */
  declareLength?: boolean
  /** `repeatToken`: the NextToken sent every time (default "repeating-token"). */
  token?: string
  /** Only requests whose parsed body matches (STS: the form fields). */
  match?: (body: any) => boolean
}

/** What the faults decided for one request: a delay, then maybe one failure. */
export interface FaultDecision {
  delayMs: number
  fault?: Fault
}

/** mulberry32: small, fast, good enough for reproducible coin flips. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultSet {
  private faults: Array<{ fault: Fault; used: number }> = []
  private random: () => number
  constructor(private readonly seed: number) {
    this.random = prng(seed)
  }

  add(fault: Fault): void {
    this.faults.push({ fault, used: 0 })
  }

  /** Removes the faults and restarts the PRNG, so a reset run draws the same sequence again. */
  clear(): void {
    this.faults = []
    this.random = prng(this.seed)
  }

  /**
   * Walks the faults in the order they were added: every applicable latency adds its delay; the
   * first applicable fault of another kind is the failure. A fault is applicable when its action
   * matches, its `match` accepts the body, it has uses left and the rate draw falls under `rate`.
   */
  decide(action: string, body: unknown): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 }
    for (const entry of this.faults) {
      const f = entry.fault
      if (!actionMatches(f.action, action)) continue
      if (f.times !== undefined && entry.used >= f.times) continue
      if (f.match) {
        let ok: boolean
        try {
          ok = !!f.match(body)
        } catch {
          ok = false
        }
        if (!ok) continue
      }
      const rate = f.rate ?? 1
      if (rate < 1 && this.random() >= rate) continue
      entry.used++
      if (f.kind === 'latency') {
        decision.delayMs += f.ms ?? 0
        continue
      }
      decision.fault = f
      break
    }
    return decision
  }
}

function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*' || pattern === action) return true
  if (pattern.endsWith(':*')) return action.startsWith(pattern.slice(0, -1))
  return false
}
