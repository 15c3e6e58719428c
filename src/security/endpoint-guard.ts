/**
 * Outbound guard for a connection's `awsConfig.endPointURL`: the service signs requests with the
 * caller's (or its own instance role's) AWS credentials and sends them wherever endPointURL points,
 * so an unchecked URL is a server-side request forgery hole (the classic target: the cloud
 * instance-metadata service, which hands out the machine's own credentials).
 *
 * Policy:
 *  - always refused: link-local and instance-metadata addresses — 169.254.0.0/16 (AWS/Azure/GCP/OCI
 *    metadata, ECS task credentials), fe80::/10, fd00:ec2::/32 (AWS IMDS over IPv6, fd00:ec2::254),
 *    100.100.100.200 (Alibaba Cloud metadata), the same addresses IPv4-mapped (`::ffff:169.254.169.254`),
 *    IPv4-compatible or NAT64-embedded, and the metadata host names (`metadata.google.internal`, …);
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
import { BlockList, isIP, isIPv6 } from 'node:net'

/** A host pattern of ENDPOINT_ALLOWLIST: an exact host / IP, or `*.suffix` (any depth of subdomain). */
export type HostPattern = { kind: 'exact'; host: string } | { kind: 'suffix'; suffix: string }

export interface EndpointPolicy {
  /** Empty or absent: no allowlist (only the always-refused addresses are refused). */
  allowlist?: readonly HostPattern[]
}

export type EndpointVerdict = { ok: true; host: string } | { ok: false; host?: string; reason: string }

const BLOCKED = new BlockList()
BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4') // link-local: every cloud's instance metadata, ECS credentials
BLOCKED.addAddress('100.100.100.200', 'ipv4') // Alibaba Cloud instance metadata
BLOCKED.addSubnet('fe80::', 10, 'ipv6') // IPv6 link-local
BLOCKED.addSubnet('fd00:ec2::', 32, 'ipv6') // AWS Nitro services over IPv6: IMDS fd00:ec2::254, DNS, NTP
// IPv4-mapped (::ffff:a.b.c.d) addresses are matched against the IPv4 rules by BlockList itself; the
// deprecated IPv4-compatible form and NAT64 (RFC 6052) still reach the IPv4 address on some networks.
for (const prefix of ['::', '64:ff9b::']) {
  BLOCKED.addSubnet(`${prefix}a9fe:0`, 112, 'ipv6')
  BLOCKED.addAddress(`${prefix}6464:64c8`, 'ipv6')
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

/** Why an IP address is refused, or undefined when it is not. */
export function blockedAddressReason(address: string): string | undefined {
  const family = isIP(address)
  if (family === 0) return undefined
  if (!BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6')) return undefined
  return `${address} is a link-local / cloud instance-metadata address, which the service never calls`
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
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
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
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))),
  )

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
export function guardedLookup(base: Lookup = dnsLookup as unknown as Lookup): Lookup {
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
