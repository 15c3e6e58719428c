/**
 * Well-formed Unicode in request bodies. UTF-8 cannot carry a lone UTF-16 surrogate, but a JSON escape
 * can (`"\ud800"`), and such a string breaks whatever encodes it later: encodeURIComponent throws (a
 * workflow name going into an OpenMetadata URL was a 500), TextEncoder and the OpenMetadata server turn
 * it into U+FFFD, so a name would no longer match itself. A body with one is refused as a whole, naming
 * the field, the way invalid UTF-8 bytes are.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A body can hold a lone surrogate only through a `\uD800`–`\uDFFF` escape: bodies without one are not walked. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text)
}

function segment(key: string): string {
  return key.length > 64 ? `${key.slice(0, 61)}…` : key
}

/**
 * Where the first string that is not well-formed sits in a parsed JSON body (`body/request/name`, or
 * `a key of body/request`), or undefined. `text` is the body's JSON text, for the quick pre-check.
 */
export function illFormedStringAt(text: string, value: unknown): string | undefined {
  if (!SURROGATE_ESCAPE.test(text)) return undefined
  const stack: Array<[unknown, string]> = [[value, 'body']]
  while (stack.length > 0) {
    const [node, path] = stack.pop()!
    if (typeof node === 'string') {
      if (!isWellFormed(node)) return path
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}/${i}`]))
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (!isWellFormed(key)) return `a key of ${path}`
        stack.push([item, `${path}/${segment(key)}`])
      }
    }
  }
  return undefined
}
