import { createHash, timingSafeEqual } from 'node:crypto'

/** Digest both sides so the comparison is constant-time whatever the lengths. */
const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * True when the Authorization header carries `Bearer <token>` for one of the accepted tokens.
 * Every token is compared (no early exit), so timing does not tell which one nearly matched.
 */
export function bearerAccepted(header: string | undefined, tokens: readonly string[]): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  const given = digest(m?.[1] ?? '')
  let ok = false
  for (const token of tokens) ok = timingSafeEqual(given, digest(token)) || ok
  return ok && m !== null
}
