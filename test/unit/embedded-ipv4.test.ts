// The outbound guard by RULE: an IPv6 address that embeds an IPv4 address is judged by the IPv4 rules,
// whatever its spelling. Each form is built here from its definition (RFC 4291, 6052, 8215, 3056, 4380,
// 5214, 7915), then written several ways: expanded, upper case, compressed, dotted-quad tail, zone id.
import t from 'tap'
import { blockedAddressReason, checkEndpointUrl } from '../../src/security/endpoint-guard.js'

const REFUSED_V4 = ['169.254.169.254', '169.254.170.2', '169.254.0.1', '168.63.129.16', '192.0.0.192', '100.100.100.200']
const ALLOWED_V4 = ['8.8.8.8', '10.0.0.1', '127.0.0.1', '192.0.0.193', '168.63.129.17', '169.253.255.255']

const int = (v4: string) => v4.split('.').reduce((n, p) => n * 256 + Number(p), 0)
const hi = (n: number) => n >>> 16
const lo = (n: number) => n & 0xffff

/** Each form: the eight groups embedding `n`, and whether its last 32 bits are the IPv4 address (a dotted tail is then a valid spelling). */
const FORMS: Record<string, { groups: (n: number) => number[]; dottedTail?: boolean }> = {
  'IPv4-mapped ::ffff:0:0/96': { groups: (n) => [0, 0, 0, 0, 0, 0xffff, hi(n), lo(n)], dottedTail: true },
  'SIIT ::ffff:0:0:0/96': { groups: (n) => [0, 0, 0, 0, 0xffff, 0, hi(n), lo(n)], dottedTail: true },
  'IPv4-compatible ::/96': { groups: (n) => [0, 0, 0, 0, 0, 0, hi(n), lo(n)], dottedTail: true },
  'NAT64 64:ff9b::/96': { groups: (n) => [0x64, 0xff9b, 0, 0, 0, 0, hi(n), lo(n)], dottedTail: true },
  'local NAT64 /48': { groups: (n) => [0x64, 0xff9b, 1, hi(n), (n >>> 8) & 0xff, (n & 0xff) << 8, 0, 0] },
  'local NAT64 /56': { groups: (n) => [0x64, 0xff9b, 1, n >>> 24, (n >>> 16) & 0xff, lo(n), 0, 0x1] },
  'local NAT64 /64': { groups: (n) => [0x64, 0xff9b, 1, 0, n >>> 24, (n >>> 8) & 0xffff, (n & 0xff) << 8, 0] },
  'local NAT64 /96': { groups: (n) => [0x64, 0xff9b, 1, 0, 0, 0, hi(n), lo(n)], dottedTail: true },
  '6to4 2002::/16': { groups: (n) => [0x2002, hi(n), lo(n), 0x1234, 0, 0, 0, 1] },
  'Teredo client (XOR 0xffffffff)': { groups: (n) => [0x2001, 0, 0x4136, 0xe378, 0x8000, 0x63bf, hi(~n >>> 0), lo(~n >>> 0)] },
  'Teredo server': { groups: (n) => [0x2001, 0, hi(n), lo(n), 0, 0, 0, 1] },
  ISATAP: { groups: (n) => [0x2001, 0xdb8, 0, 0, 0x200, 0x5efe, hi(n), lo(n)], dottedTail: true },
}

const hex4 = (g: number) => g.toString(16).padStart(4, '0')

/** The spellings of one address: expanded, upper case, minimal hex, compressed, dotted tail, with zone ids. */
function spellings(groups: number[], v4: string, dottedTail: boolean): string[] {
  const expanded = groups.map(hex4).join(':')
  const minimal = groups.map((g) => g.toString(16)).join(':')
  const compressed = new URL(`http://[${expanded}]/`).hostname.slice(1, -1)
  const out = [expanded, expanded.toUpperCase(), minimal, compressed, compressed.toUpperCase(), `${compressed}%eth0`, `${expanded.toUpperCase()}%25en0`]
  if (dottedTail) {
    const head = groups
      .slice(0, 6)
      .map((g) => g.toString(16))
      .join(':')
    out.push(`${head}:${v4}`, compressed.replace(/[0-9a-f]+:[0-9a-f]+$/, v4), `${compressed.replace(/[0-9a-f]+:[0-9a-f]+$/, v4).toUpperCase()}%eth1`)
  }
  return out
}

t.test('the spellings are what they claim', async (t) => {
  t.same(spellings(FORMS['IPv4-mapped ::ffff:0:0/96']!.groups(int('169.254.169.254')), '169.254.169.254', true), [
    '0000:0000:0000:0000:0000:ffff:a9fe:a9fe',
    '0000:0000:0000:0000:0000:FFFF:A9FE:A9FE',
    '0:0:0:0:0:ffff:a9fe:a9fe',
    '::ffff:a9fe:a9fe',
    '::FFFF:A9FE:A9FE',
    '::ffff:a9fe:a9fe%eth0',
    '0000:0000:0000:0000:0000:FFFF:A9FE:A9FE%25en0',
    '0:0:0:0:0:ffff:169.254.169.254',
    '::ffff:169.254.169.254',
    '::FFFF:169.254.169.254%eth1',
  ])
})

for (const [form, { groups, dottedTail }] of Object.entries(FORMS)) {
  t.test(`${form}: refused when the embedded IPv4 is, in every spelling`, async (t) => {
    for (const v4 of REFUSED_V4) {
      for (const address of spellings(groups(int(v4)), v4, dottedTail ?? false)) {
        t.match(blockedAddressReason(address), new RegExp(`embeds ${v4.replace(/\./g, '\\.')} .*instance-metadata`), `${address} (${v4})`)
      }
      // The same address as an endPointURL host (a URL cannot carry a zone id).
      const url = `http://[${groups(int(v4)).map(hex4).join(':')}]:8080/path`
      t.notOk(checkEndpointUrl(url).ok, url)
    }
  })
  t.test(`${form}: allowed when the embedded IPv4 is`, async (t) => {
    for (const v4 of ALLOWED_V4) {
      for (const address of spellings(groups(int(v4)), v4, dottedTail ?? false)) t.equal(blockedAddressReason(address), undefined, `${address} (${v4})`)
    }
  })
}

t.test('the IPv4 rules themselves, in the spellings URL parsing accepts', async (t) => {
  for (const url of ['http://168.63.129.16/', 'http://0xa83f8110/', 'http://2822734096/', 'http://192.0.0.192/', 'http://0300.0.0.0300/', 'http://192.0.192/']) {
    t.match(checkEndpointUrl(url), { ok: false, reason: /instance-metadata/ }, url)
  }
  t.match(blockedAddressReason('168.63.129.16'), /Azure WireServer/)
  t.match(blockedAddressReason('192.0.0.192'), /Oracle Cloud/)
  for (const a of ['192.0.0.191', '168.63.129.15', '100.100.100.201', '2001:db8::1', '2002::', '64:ff9b:2::a9fe:a9fe', 'fec0::1']) {
    t.equal(blockedAddressReason(a), undefined, a)
  }
})

t.test('IPv6 link-local and AWS IMDS over IPv6, with zone ids and in upper case', async (t) => {
  for (const a of ['fe80::1%eth0', 'FE80::A9FE:A9FE%25en0', 'febf:ffff::1', 'fd00:ec2::254', 'FD00:0EC2:0000:0000:0000:0000:0000:0254%1']) {
    t.match(blockedAddressReason(a), /instance-metadata/, a)
  }
})
