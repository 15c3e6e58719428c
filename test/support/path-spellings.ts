/**
 * Ways of writing a route's path in a request target. `reaches` is whether Fastify's router (default
 * options: case-sensitive, no trailing-slash or duplicate-slash folding, no `;` delimiter, no dot-segment
 * resolution) maps the spelling to the route: percent-encoding of unreserved characters is decoded, an
 * absolute-form target is reduced to its path, the query is ignored; anything else is an unknown path.
 */
export interface Spelling {
  label: string
  target: string
  reaches: boolean
}

const hex = (c: string, upper: boolean) => {
  const h = c.charCodeAt(0).toString(16).padStart(2, '0')
  return `%${upper ? h.toUpperCase() : h}`
}
/** Every character but the slashes percent-encoded. */
const encodeAll = (path: string, upper = false) => path.replace(/[^/]/g, (c) => hex(c, upper))

/** At least 25 spellings of `path` (e.g. /v1/ingest), for a server listening on `port`. */
export function pathSpellings(path: string, port: number): Spelling[] {
  const segments = path.split('/').slice(1)
  const first = segments[0]!
  const last = segments.at(-1)!
  const middle = segments.slice(1, -1)
  const join = (...parts: string[]) => `/${parts.join('/')}`
  const withFirst = (s: string) => join(s, ...segments.slice(1))
  const withLast = (s: string) => join(...segments.slice(0, -1), s)

  const reaching: Array<[string, string]> = [
    ['as registered', path],
    ['with a query', `${path}?x=1`],
    ['with a query naming another route', `${path}?next=/health&token=abc%2F`],
    ['first character percent-encoded', withFirst(hex(first[0]!, false) + first.slice(1))],
    ['second character percent-encoded', withFirst(first[0]! + hex(first[1]!, false) + first.slice(2))],
    ['first segment fully percent-encoded', withFirst(encodeAll(first))],
    ['every character percent-encoded (lower-case hex)', encodeAll(path)],
    ['every character percent-encoded (upper-case hex)', encodeAll(path, true)],
    ['last segment, first character percent-encoded', withLast(hex(last[0]!, true) + last.slice(1))],
    ['last segment, last character percent-encoded', withLast(last.slice(0, -1) + hex(last.at(-1)!, false))],
    ['absolute form, foreign host', `http://evil.example${path}`],
    ['absolute form, the server itself', `http://127.0.0.1:${port}${path}`],
    ['absolute form, upper-case scheme, encoded path', `HTTP://X${withFirst(encodeAll(first, true))}`],
    ['absolute form, https, IPv6 host, query', `https://[::1]:8443${path}?q=1`],
    ['absolute form, port 80, encoded, empty query', `http://evil.example:80${encodeAll(path)}?`],
    ['absolute form, localhost, query with a path', `http://localhost${path}?u=http://evil.example/`],
  ]
  const unknown: Array<[string, string]> = [
    ['trailing slash', `${path}/`],
    ['leading double slash', `/${path}`],
    ['double slash inside', join(first, '', ...segments.slice(1))],
    ['upper-case first segment', withFirst(first.toUpperCase())],
    ['upper-case last segment', withLast(last.toUpperCase())],
    ['dot segment', join(first, '.', ...segments.slice(1))],
    ['dot-dot segment', join(first, '..', ...segments)],
    ['dot-dot from elsewhere', join('x', '..', ...segments)],
    ['; parameter', `${path};a=b`],
    ['encoded slash', `/${first}%2F${[...middle, last].join('/')}`],
    ['encoded question mark', `${path}%3Fx=1`],
    ['encoded dot segment', join(first, '%2e', ...segments.slice(1))],
    ['absolute form with a dot segment', `http://evil.example${join(first, '.', ...segments.slice(1))}`],
    ['absolute form with a double slash', `http://evil.example/${path}`],
  ]
  return [...reaching.map(([label, target]) => ({ label, target, reaches: true })), ...unknown.map(([label, target]) => ({ label, target, reaches: false }))]
}
