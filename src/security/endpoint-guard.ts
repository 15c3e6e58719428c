/**
 * Outbound guard for a connection's `awsConfig.endPointURL`: the service signs requests with the
 * caller's (or its own instance role's) AWS credentials and sends them wherever endPointURL points,
 * so an unchecked URL is a server-side request forgery hole (the classic target: the cloud
 * instance-metadata service, which hands out the machine's own credentials).
 *
 * Policy:
 *  - always refused: link-local and instance-metadata addresses — 169.254.0.0/16 (AWS/Azure/GCP/OCI
 *    metadata, ECS task credentials), 100.100.100.200 (Alibaba Cloud), 168.63.129.16 (Azure WireServer),
 *    192.0.0.192 (Oracle Cloud), fe80::/10, fd00:ec2::/32 (AWS IMDS over IPv6, fd00:ec2::254); by rule,
 *    not by spelling, every IPv6 address that embeds one of those IPv4 addresses (mapped, SIIT,
 *    compatible, NAT64, 6to4, Teredo, ISATAP: {@link embeddedIpv4}); and the metadata host names
 *    (`metadata.google.internal`, …);
 *  - with an allowlist (ENDPOINT_ALLOWLIST), the host must also match one of its patterns;
 *  - only http/https, and no `user:password@` in the URL (it would end up in messages and logs).
 * Loopback and private addresses stay allowed without an allowlist (tests, LocalStack, VPC endpoints):
 * set ENDPOINT_ALLOWLIST to close them.
 *
 * Spellings: hosts are compared after WHATWG URL parsing — the parser the AWS SDK itself uses on
 * endPointURL — so `http://2852039166/`, `http://0xA9FEA9FE/`, `http://0251.0376.0251.0376/` and
 * `http://[::ffff:169.254.169.254]/` are all seen as the metadata address they are.
 *
 * DNS: a name that RESOLVES to a refused address (`169.254.169.254.nip.io`, DNS rebinding) is caught
 * twice: {@link checkEndpoint} resolves the name when the request comes in (a clean 400), and
 * {@link guardedLookup}, installed in the AWS clients' HTTP agents, checks every address at connect
 * time, so a name that changes its answer between the check and the connection is still refused.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { isIP, isIPv6 } from 'node:net'

/** A host pattern of ENDPOINT_ALLOWLIST: an exact host / IP, or `*.suffix` (any depth of subdomain). */
export type HostPattern = { kind: 'exact'; host: string } | { kind: 'suffix'; suffix: string }

export interface EndpointPolicy {
  /** Empty or absent: no allowlist (only the always-refused addresses are refused). */
  allowlist?: readonly HostPattern[]
}

export type EndpointVerdict = { ok: true; host: string } | { ok: false; host?: string; reason: string }

/**
 * IPv4 addresses never called, whether written as IPv4 or embedded in an IPv6 address (see
 * {@link embeddedIpv4}). Each entry: base, prefix length, what it is.
 */
const BLOCKED_V4: ReadonlyArray<readonly [string, number, string]> = [
  ['169.254.0.0', 16, "every cloud's instance metadata, ECS task credentials"],
  ['100.100.100.200', 32, 'Alibaba Cloud instance metadata'],
  ['168.63.129.16', 32, 'Azure WireServer'],
  ['192.0.0.192', 32, 'Oracle Cloud instance metadata'],
]

const V4_RULES = BLOCKED_V4.map(([base, bits, what]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return { base: (ipv4ToInt(base)! & mask) >>> 0, mask, what }
})

function ipv4ToInt(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined
  return parts.reduce((n, p) => n * 256 + Number(p), 0)
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.')
}

function ipv4Rule(n: number): string | undefined {
  return V4_RULES.find((r) => (n & r.mask) >>> 0 === r.base)?.what
}

/** The eight 16-bit groups of an IPv6 address (compressed or not, any case, dotted-quad tail, zone id), or undefined. */
export function ipv6Groups(text: string): number[] | undefined {
  const bare = text.split('%')[0]!
  if (!isIPv6(bare)) return undefined
  const hex = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`)
  const [left, right] = hex.split('::') as [string, string | undefined]
  const head = left ? left.split(':') : []
  const tail = right ? right.split(':') : []
  const groups = right === undefined ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail]
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : undefined
}

/**
 * Every IPv4 address an IPv6 address carries, by the rule of each form that embeds one — an address
 * the network may translate or tunnel to that IPv4 host, so the IPv4 rules apply to it. Forms:
 * IPv4-mapped ::ffff:0:0/96, SIIT ::ffff:0:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96 (RFC 6052)
 * and the local-use 64:ff9b:1::/48 (RFC 8215, at each RFC 6052 position its prefix lengths allow),
 * 6to4 2002::/16, Teredo 2001::/32 (server, and client XOR 0xffffffff), ISATAP (…:0[02]00:5efe:a.b.c.d).
 */
export function embeddedIpv4(g: readonly number[]): Array<{ form: string; ipv4: number }> {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0)
  const v4 = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0
  const found: Array<{ form: string; ipv4: number }> = []
  const add = (form: string, ipv4: number) => found.push({ form, ipv4 })
  if (zero(0, 5) && g[5] === 0xffff) add('IPv4-mapped', v4(g[6]!, g[7]!))
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) add('SIIT IPv4-translated', v4(g[6]!, g[7]!))
  if (zero(0, 6)) add('IPv4-compatible', v4(g[6]!, g[7]!))
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) add('NAT64 64:ff9b::/96', v4(g[6]!, g[7]!))
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) {
    // RFC 6052 §2.2: bits 64–71 are zero; the IPv4 address sits around them depending on the prefix length.
    const [, , , g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number]
    add('local NAT64 64:ff9b:1::/48', v4(g3, ((g4 & 0xff) << 8) | (g5 >> 8)))
    add('local NAT64 64:ff9b:1::/56', v4(((g3 & 0xff) << 8) | (g4 & 0xff), g5))
    add('local NAT64 64:ff9b:1::/64', v4(((g4 & 0xff) << 8) | (g5 >> 8), ((g5 & 0xff) << 8) | (g6 >> 8)))
    add('local NAT64 64:ff9b:1::/96', v4(g6, g7))
  }
  if (g[0] === 0x2002) add('6to4', v4(g[1]!, g[2]!))
  if (g[0] === 0x2001 && g[1] === 0) {
    add('Teredo server', v4(g[2]!, g[3]!))
    add('Teredo client', ~v4(g[6]!, g[7]!) >>> 0)
  }
  if ((g[4]! & 0xfdff) === 0 && g[5] === 0x5efe) add('ISATAP', v4(g[6]!, g[7]!))
  return found
}

/** Host names of metadata services (no trailing dot, lower case). */
const BLOCKED_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal'])

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/** Host as compared: lower case, no IPv6 brackets, no trailing dot(s). */
export function normalizeHost(hostname: string): string {
  let h = hostname.toLowerCase()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  return h.replace(/\.+$/, '')
}

/**
 * What a message may say about an endpoint URL: its host (and port), never its path or query, which
 * can carry a token.
 */
export function endpointHost(url: string): string {
  try {
    return new URL(url).host || '(a URL without a host)'
  } catch {
    return '(an invalid URL)'
  }
}

/**
 * Why an IP address is refused, or undefined when it is not: an IPv4 rule; IPv6 link-local fe80::/10;
 * AWS's fd00:ec2::/32 (IMDS, DNS, NTP over IPv6); or an IPv6 form whose embedded IPv4 an IPv4 rule refuses.
 */
export function blockedAddressReason(address: string): string | undefined {
  const never = 'which the service never calls'
  const family = isIP(address.split('%')[0]!)
  if (family === 4) {
    const what = ipv4Rule(ipv4ToInt(address)!)
    return what ? `${address} is a link-local / cloud instance-metadata address (${what}), ${never}` : undefined
  }
  const g = family === 6 ? ipv6Groups(address) : undefined
  if (!g) return undefined
  if ((g[0]! & 0xffc0) === 0xfe80) return `${address} is a link-local / cloud instance-metadata address (IPv6 link-local), ${never}`
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) return `${address} is a link-local / cloud instance-metadata address (AWS instance metadata over IPv6), ${never}`
  for (const { form, ipv4 } of embeddedIpv4(g)) {
    const what = ipv4Rule(ipv4)
    if (what) return `${address} embeds ${intToIpv4(ipv4)} (${form}), a link-local / cloud instance-metadata address (${what}), ${never}`
  }
  return undefined
}

/** Why a host (name or IP, normalized) is refused before any DNS, or undefined. */
function blockedHostReason(host: string): string | undefined {
  if (BLOCKED_HOSTS.has(host)) return `${host} is a cloud instance-metadata host, which the service never calls`
  return blockedAddressReason(host)
}

/**
 * Parses ENDPOINT_ALLOWLIST (`*.amazonaws.com,localhost,127.0.0.1,[::1]`); throws an Error naming the
 * bad entry. IP entries are normalized like URL hosts (`0x7f.0.0.1` is 127.0.0.1).
 */
export function parseAllowlist(raw: string, variable = 'ENDPOINT_ALLOWLIST'): HostPattern[] {
  const patterns: HostPattern[] = []
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const bad = (why: string) => new Error(`${variable}: "${entry}" is not a host pattern (${why}); use host names, IPs or *.domain`)
    if (entry.startsWith('*.')) {
      const suffix = normalizeHost(entry.slice(2))
      if (!suffix.split('.').every((l) => LABEL.test(l))) throw bad('after "*." must come a domain name')
      patterns.push({ kind: 'suffix', suffix })
      continue
    }
    if (entry.includes('*')) throw bad('"*" is only allowed as a whole first label, as in *.amazonaws.com')
    const bare = normalizeHost(entry)
    if (/[/@?#\s]/.test(entry) || (bare.includes(':') && !isIPv6(bare))) throw bad('a host only: no scheme, port or path')
    let host: string
    try {
      host = normalizeHost(new URL(`http://${isIPv6(bare) ? `[${bare}]` : bare}/`).hostname)
    } catch {
      throw bad('not a valid host')
    }
    if (!isIP(host) && !host.split('.').every((l) => LABEL.test(l))) throw bad('not a valid host name')
    patterns.push({ kind: 'exact', host })
  }
  return patterns
}

export function hostMatches(host: string, patterns: readonly HostPattern[]): boolean {
  return patterns.some((p) => (p.kind === 'exact' ? p.host === host : host.endsWith(`.${p.suffix}`)))
}

/** The static part of the check (no DNS): scheme, userinfo, refused literals and names, allowlist. */
export function checkEndpointUrl(url: string, policy: EndpointPolicy = {}): EndpointVerdict {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, reason: 'it is not a valid absolute URL' }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `only http and https endpoints are allowed, not ${parsed.protocol.slice(0, 20)}` }
  }
  const host = normalizeHost(parsed.hostname)
  if (parsed.username || parsed.password) {
    return { ok: false, host, reason: 'credentials in the URL (user:password@) are not allowed' }
  }
  if (!host) return { ok: false, reason: 'the URL has no host' }
  const blocked = blockedHostReason(host)
  if (blocked) return { ok: false, host, reason: blocked }
  const allowlist = policy.allowlist ?? []
  if (allowlist.length > 0 && !hostMatches(host, allowlist)) {
    return { ok: false, host, reason: `${host} is not on the service's ENDPOINT_ALLOWLIST` }
  }
  return { ok: true, host }
}

export type Resolver = (host: string) => Promise<string[]>

/** Every address a name resolves to, as the connection will (dns.lookup, the OS resolver). */
export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))))

/**
 * The full check: {@link checkEndpointUrl}, then — for a host name — every address it resolves to.
 * A name that does not resolve passes (the AWS call then fails as unreachable, with its own message).
 */
export async function checkEndpoint(url: string, policy: EndpointPolicy = {}, resolve: Resolver = systemResolver): Promise<EndpointVerdict> {
  const verdict = checkEndpointUrl(url, policy)
  if (!verdict.ok || isIP(verdict.host)) return verdict
  let addresses: string[]
  try {
    addresses = await resolve(verdict.host)
  } catch {
    return verdict
  }
  for (const address of addresses) {
    const reason = blockedAddressReason(address)
    if (reason) return { ok: false, host: verdict.host, reason: `${verdict.host} resolves to ${reason}` }
  }
  return verdict
}

/** The error a refused connection attempt fails with (code listed as "unreachable" in src/aws/errors.ts). */
export class EndpointBlockedError extends Error {
  readonly code = 'EENDPOINTBLOCKED'
  constructor(host: string, reason: string) {
    super(`Connection to ${host} refused by the service's outbound guard: ${reason}`)
    this.name = 'EndpointBlockedError'
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void

/**
 * A `lookup` for net/tls connections (an http.Agent option) that refuses blocked addresses after
 * resolution — at connect time, so DNS rebinding cannot slip past the request-time check. (Literal IPs
 * never reach a lookup: {@link checkEndpointUrl} handles them.)
 */
export function guardedLookup(base: Lookup = dnsLookup): Lookup {
  return (hostname, options, callback) => {
    base(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family)
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address]
      for (const a of list) {
        const reason = blockedAddressReason(a)
        if (reason) return callback(new EndpointBlockedError(hostname, `${hostname} resolves to ${reason}`), address, family)
      }
      callback(null, address, family)
    })
  }
}
