import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * Encryption at rest for what the pipeline store keeps secret (the deployed entity, which holds the bot JWT):
 * AES-256-GCM, a fresh random 12-byte IV per value, stored as `v1:<iv>:<tag>:<ciphertext>` (base64 parts) so a later
 * format or key scheme can be told apart. The key is PIPELINE_SECRET_KEY; neither it nor a plaintext ever appears
 * in an error message.
 */

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32

export const SECRET_KEY_HELP = 'PIPELINE_SECRET_KEY must be 32 random bytes, given as base64 (44 characters) or as 64 hex characters; generate one with `openssl rand -base64 32`'

/** A value that cannot be opened: wrong key, altered or truncated data, or not something this box sealed. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretBoxError'
  }
}

/** Parses PIPELINE_SECRET_KEY: 64 hex characters, or base64 of exactly 32 bytes. The error never repeats the value. */
export function parseSecretKey(value: string): Buffer {
  const text = value.trim()
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex')
  // Standard or URL-safe base64, padding optional; Buffer.from would silently skip other characters.
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    if (key.length === KEY_BYTES) return key
    throw new Error(`${SECRET_KEY_HELP} (the value given decodes to ${key.length} bytes)`)
  }
  throw new Error(`${SECRET_KEY_HELP} (the value given is neither)`)
}

export class SecretBox {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`${SECRET_KEY_HELP} (got ${key.length} bytes)`)
    this.#key = Buffer.from(key)
  }

  static fromEnvValue(value: string): SecretBox {
    return new SecretBox(parseSecretKey(value))
  }

  /**
   * Encrypts `plain`. `context` (e.g. the pipeline's dagId) is authenticated but not stored: a value sealed for one
   * row does not open as another's.
   */
  seal(plain: string, context = ''): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':')
  }

  open(sealed: string, context = ''): string {
    const parts = sealed.split(':')
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError(`not a sealed value of format ${VERSION} (expected ${VERSION}:<iv>:<tag>:<ciphertext>)`)
    const [, ivText = '', tagText = '', ctText = ''] = parts
    const iv = Buffer.from(ivText, 'base64')
    const tag = Buffer.from(tagText, 'base64')
    const ct = Buffer.from(ctText, 'base64')
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('sealed value is truncated or altered (bad IV or tag length)')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES })
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8')
    } catch {
      throw new SecretBoxError('sealed value does not decrypt: the key differs from the one that sealed it, or the data was altered')
    }
  }
}
