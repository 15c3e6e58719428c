// One host name answered by the test (DNS rebinding: an answer that changes after the request-time check) while
// every other name resolves as usual. node:dns is patched for the connections the service opens, and restored
// when the test ends.
import dns from 'node:dns'
import { syncBuiltinESMExports } from 'node:module'

interface TapLike {
  teardown(fn: () => unknown): void
}

/** Answers `host` with `address()` (called on every lookup) until the test ends. */
export function fakeDnsHost(t: TapLike, host: string, address: () => string): void {
  const realLookup = dns.lookup
  dns.lookup = ((name: string, options: unknown, callback: (...args: unknown[]) => void) => {
    if (name !== host) return (realLookup as (...a: unknown[]) => void)(name, options, callback)
    const answer = address()
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all
    if (all) callback(null, [{ address: answer, family: 4 }])
    else callback(null, answer, 4)
  }) as typeof dns.lookup
  syncBuiltinESMExports()
  t.teardown(() => {
    dns.lookup = realLookup
    syncBuiltinESMExports()
  })
}
