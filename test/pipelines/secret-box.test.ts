import { randomBytes } from 'node:crypto'
import t from 'tap'
import { parseSecretKey, SecretBox, SecretBoxError } from '../../src/pipelines/store/secret-box.js'

const key = randomBytes(32)

t.test('seal/open round trip; a fresh IV per value', async (t) => {
  const box = new SecretBox(key)
  const plain = JSON.stringify({ jwtToken: 'eyJhbGciOiJSUzI1NiJ9.payload.sig', note: 'ünïcødé ✓' })
  const a = box.seal(plain, 'dag-1')
  const b = box.seal(plain, 'dag-1')
  t.match(a, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/, 'versioned v1:<iv>:<tag>:<ct>')
  t.not(a, b, 'two seals of the same value differ (random IV)')
  t.notOk(a.includes('eyJhbGci'), 'the plaintext is not in the sealed value')
  t.equal(box.open(a, 'dag-1'), plain)
  t.equal(box.open(b, 'dag-1'), plain)
  t.equal(new SecretBox(Buffer.from(key)).open(a, 'dag-1'), plain, 'another box with the same key opens it')
  t.equal(box.open(box.seal('')), '', 'empty string')
})

t.test('tampering, another key or another context → SecretBoxError', async (t) => {
  const box = new SecretBox(key)
  const sealed = box.seal('secret value', 'dag-1')
  const [v, iv, tag, ct] = sealed.split(':') as [string, string, string, string]
  const flip = (b64: string): string => {
    const buf = Buffer.from(b64, 'base64')
    buf[0] = (buf[0] ?? 0) ^ 1
    return buf.toString('base64')
  }
  t.throws(() => box.open([v, iv, tag, flip(ct)].join(':'), 'dag-1'), SecretBoxError, 'altered ciphertext')
  t.throws(() => box.open([v, iv, flip(tag), ct].join(':'), 'dag-1'), SecretBoxError, 'altered tag')
  t.throws(() => box.open([v, flip(iv), tag, ct].join(':'), 'dag-1'), SecretBoxError, 'altered IV')
  t.throws(() => box.open(sealed, 'dag-2'), SecretBoxError, 'sealed for another row')
  t.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'dag-1'), SecretBoxError, 'another key')
  t.throws(() => box.open(`v2:${iv}:${tag}:${ct}`, 'dag-1'), SecretBoxError, 'unknown version')
  t.throws(() => box.open('not sealed at all'), SecretBoxError)
  t.throws(() => box.open(`v1:${iv}:${tag.slice(0, 8)}:${ct}`, 'dag-1'), SecretBoxError, 'truncated tag')
})

t.test('parseSecretKey: 32 bytes as base64 (standard or URL-safe) or 64 hex characters', async (t) => {
  t.same(parseSecretKey(key.toString('base64')), key)
  t.same(parseSecretKey(key.toString('base64url')), key, 'URL-safe, unpadded')
  t.same(parseSecretKey(`  ${key.toString('hex')}\n`), key, 'hex, surrounding whitespace ignored')
  t.same(parseSecretKey(key.toString('hex').toUpperCase()), key, 'upper-case hex')
})

t.test('bad keys: an error naming PIPELINE_SECRET_KEY and openssl rand -base64 32, never the value', async (t) => {
  const bad = [
    'correct horse battery staple', // words
    randomBytes(16).toString('base64'), // 16 bytes
    randomBytes(64).toString('base64'), // 64 bytes
    randomBytes(31).toString('hex'), // 62 hex chars
    key.toString('hex').slice(0, 63) + 'g', // not hex, not base64 of 32
    '',
  ]
  for (const value of bad) {
    const err = t.throws(() => parseSecretKey(value)) as Error
    t.match(err.message, /PIPELINE_SECRET_KEY/, `names the variable (${value.length} chars)`)
    t.match(err.message, /openssl rand -base64 32/)
    if (value.length > 0) t.notOk(err.message.includes(value), 'does not repeat the value')
  }
  t.throws(() => new SecretBox(randomBytes(16)), /PIPELINE_SECRET_KEY/)
})
