import t from 'tap'
import { blockedAddressReason, checkEndpoint, checkEndpointUrl, guardedLookup, parseAllowlist, type Resolver } from '../../src/security/endpoint-guard.js'
import { awsConfigsIn, checkConnectionTargets } from '../../src/security/connection-guard.js'

const refused = (url: string, allowlist?: string) => {
  const v = checkEndpointUrl(url, allowlist === undefined ? {} : { allowlist: parseAllowlist(allowlist) })
  return v.ok ? undefined : v.reason
}

t.test('IPv4 link-local / metadata addresses are refused in every spelling', async (t) => {
  for (const url of [
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.170.2/v2/credentials', // ECS task credentials
    'http://169.254.0.1:8080/',
    'https://169.254.255.255/',
    'http://2852039166/', // decimal
    'http://0xA9FEA9FE/', // hex
    'http://0xa9.0xfe.0xa9.0xfe/', // hex per part
    'http://0251.0376.0251.0376/', // octal
    'http://169.254.43518/', // a.b.c16
    'http://169.254.169.254./', // trailing dot
    'http://100.100.100.200/', // Alibaba Cloud metadata
  ]) {
    t.match(refused(url), /link-local|metadata/, url)
  }
})

t.test('IPv6 link-local / metadata addresses are refused, IPv4-mapped and embedded forms too', async (t) => {
  for (const url of [
    'http://[fd00:ec2::254]/latest/meta-data/', // AWS IMDS over IPv6
    'http://[FD00:0EC2:0000::0254]:80/',
    'http://[fe80::1]/',
    'http://[::ffff:169.254.169.254]/', // IPv4-mapped
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::169.254.169.254]/', // IPv4-compatible
    'http://[64:ff9b::169.254.169.254]/', // NAT64
  ]) {
    t.match(refused(url), /link-local|metadata/, url)
  }
})

t.test('metadata host names are refused, whatever their case or trailing dot', async (t) => {
  for (const url of ['http://metadata.google.internal/computeMetadata/v1/', 'http://METADATA.google.internal./', 'http://metadata/', 'http://instance-data/']) {
    t.match(refused(url), /metadata/, url)
  }
})

t.test('without an allowlist, loopback, private and AWS endpoints stay allowed', async (t) => {
  for (const url of [
    'http://127.0.0.1:4566',
    'http://localhost:4566/',
    'http://[::1]:4566',
    'http://10.0.0.12/',
    'https://glue.us-east-1.amazonaws.com',
    'https://vpce-0123-abcd.glue.us-east-1.vpce.amazonaws.com',
    'http://169.254.169.254.example.com/', // a name, not an address: DNS decides (see checkEndpoint)
  ]) {
    t.equal(refused(url), undefined, url)
  }
})

t.test('only http(s), no credentials in the URL, a host is needed', async (t) => {
  t.match(refused('file:///etc/passwd'), /only http and https/)
  t.match(refused('gopher://127.0.0.1:25/'), /only http and https/)
  t.match(refused('ftp://example.com/'), /only http and https/)
  t.match(refused('not a url'), /not a valid absolute URL/)
  const withSecret = refused('http://AKIA:s3cr3t-value@127.0.0.1:4566/')
  t.match(withSecret, /credentials in the URL/)
  t.notMatch(withSecret, /s3cr3t-value/, 'the password is not echoed')
})

t.test('ENDPOINT_ALLOWLIST: exact hosts, *.suffix, IPs (normalized); everything else refused', async (t) => {
  const list = '*.amazonaws.com, localhost,127.0.0.1,[::1]'
  t.equal(refused('https://glue.us-east-1.amazonaws.com', list), undefined)
  t.equal(refused('https://a.b.c.amazonaws.com:443/x', list), undefined, 'any depth of subdomain')
  t.equal(refused('HTTP://LOCALHOST:4566', list), undefined, 'case-insensitive')
  t.equal(refused('http://127.0.0.1:4566', list), undefined)
  t.equal(refused('http://2130706433:4566', list), undefined, '127.0.0.1 spelled in decimal is still 127.0.0.1')
  t.equal(refused('http://[::1]:4566', list), undefined)
  t.match(refused('https://amazonaws.com', list), /not on the service's ENDPOINT_ALLOWLIST/, '*.x does not match x itself')
  t.match(refused('https://amazonaws.com.evil.example', list), /ENDPOINT_ALLOWLIST/)
  t.match(refused('https://evilamazonaws.com', list), /ENDPOINT_ALLOWLIST/)
  t.match(refused('http://10.0.0.12/', list), /ENDPOINT_ALLOWLIST/)
  t.match(refused('http://127.0.0.2/', list), /ENDPOINT_ALLOWLIST/)
  t.match(refused('http://169.254.169.254/', '169.254.169.254'), /metadata/, 'metadata addresses stay refused even when allowlisted')
  t.same(parseAllowlist(''), [], 'empty: no allowlist')
  t.same(parseAllowlist(' 0x7f.1 , *.Example.COM. '), [
    { kind: 'exact', host: '127.0.0.1' },
    { kind: 'suffix', suffix: 'example.com' },
  ])
  for (const bad of ['*', 'a.*.com', '*.', 'http://x/', 'exa mple.com', '*.-bad-.com']) {
    t.throws(() => parseAllowlist(bad), /ENDPOINT_ALLOWLIST/, `"${bad}" is rejected`)
  }
})

t.test('checkEndpoint resolves host names: a name of a metadata address is refused', async (t) => {
  const fakeDns: Resolver = async (host) => {
    const table: Record<string, string[]> = {
      '169.254.169.254.nip.io': ['169.254.169.254'],
      'rebind.example': ['93.184.216.34', 'fd00:ec2::254'],
      'fine.example': ['93.184.216.34'],
    }
    if (table[host]) return table[host]
    throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })
  }
  const a = await checkEndpoint('http://169.254.169.254.nip.io/', {}, fakeDns)
  t.match(a, { ok: false, reason: /169\.254\.169\.254\.nip\.io resolves to 169\.254\.169\.254/ })
  t.match(await checkEndpoint('https://rebind.example/', {}, fakeDns), { ok: false, reason: /fd00:ec2::254/ }, 'any refused address among several')
  t.match(await checkEndpoint('https://fine.example/', {}, fakeDns), { ok: true })
  t.match(await checkEndpoint('https://unknown.example/', {}, fakeDns), { ok: true }, 'an unresolvable name passes (the AWS call reports it unreachable)')
  let asked = 0
  await checkEndpoint('http://169.254.169.254/', {}, async () => (asked++, []))
  await checkEndpoint('http://127.0.0.1:1/', {}, async () => (asked++, []))
  t.equal(asked, 0, 'literal addresses need no DNS')
})

t.test('guardedLookup refuses a blocked address at connect time (DNS rebinding)', async (t) => {
  const lookup = (answer: string) => guardedLookup((_host, _opts, cb) => cb(null, [{ address: answer, family: answer.includes(':') ? 6 : 4 }]))
  const run = (answer: string) => new Promise<{ err: NodeJS.ErrnoException | null }>((resolve) => lookup(answer)('svc.example', { all: true }, (err) => resolve({ err })))
  const blocked = await run('169.254.169.254')
  t.match(blocked.err, { code: 'EENDPOINTBLOCKED', message: /svc\.example resolves to 169\.254\.169\.254/ })
  t.equal((await run('127.0.0.1')).err, null)
  t.ok((await run('::ffff:169.254.169.254')).err, 'IPv4-mapped answer refused')
})

t.test('blockedAddressReason: only link-local / metadata addresses', async (t) => {
  for (const a of ['169.254.169.254', 'fd00:ec2::254', 'fe80::abcd', '::ffff:169.254.1.1']) t.ok(blockedAddressReason(a), a)
  for (const a of ['127.0.0.1', '::1', '10.1.2.3', '192.168.0.1', '8.8.8.8', '2001:db8::1', 'not-an-ip']) t.notOk(blockedAddressReason(a), a)
})

t.test('the connection guard finds awsConfig at the three known paths and checks region and endpoint', async (t) => {
  const cfg = (extra: object) => ({ awsRegion: 'us-east-1', ...extra })
  t.same(
    awsConfigsIn({ awsConfig: cfg({}) }).map((f) => f.where),
    ['body/awsConfig'],
  )
  t.same(
    awsConfigsIn({ connection: { config: { awsConfig: cfg({}) } } }).map((f) => f.where),
    ['body/connection/config/awsConfig'],
  )
  t.same(
    awsConfigsIn({ serviceConnection: { config: { awsConfig: cfg({}) } } }).map((f) => f.where),
    ['body/serviceConnection/config/awsConfig'],
  )
  t.same(awsConfigsIn(null), [])
  t.same(awsConfigsIn('x'), [])
  const noDns: Resolver = async () => []
  const err = await checkConnectionTargets({ serviceConnection: { config: { awsConfig: cfg({ endPointURL: 'http://0xA9FEA9FE/' }) } } }, {}, noDns)
  t.equal(err?.statusCode, 400)
  t.match(err?.message, /^awsConfig\.endPointURL \(body\/serviceConnection\/config\/awsConfig\/endPointURL\) is refused: 169\.254\.169\.254 is a link-local/)
  const region = await checkConnectionTargets({ awsConfig: { awsRegion: 'evil.example/x' } }, {}, noDns)
  t.match(region?.message, /awsConfig\.awsRegion \(body\/awsConfig\/awsRegion\) must be an AWS region name/)
  t.equal(await checkConnectionTargets({ awsConfig: cfg({ endPointURL: 'http://127.0.0.1:4566' }) }, {}, noDns), undefined)
})
