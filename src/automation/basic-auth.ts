import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/**
 * True when the Authorization header is `Basic base64(user:password)` for exactly these credentials.
 * Both sides are digested first, so the comparison takes the same time whatever the lengths.
 */
export function basicAccepted(header: string | undefined, username: string, password: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  const given = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : ''
  const ok = timingSafeEqual(digest(given), digest(`${username}:${password}`))
  return ok && m !== null
}
