/**
 * The path of a request target, to name in a message or a log line: no query or fragment (`?token=…`
 * can be a secret) and, for an absolute-form target, no scheme or authority (`http://user:pw@host/…`).
 */
export function pathOfTarget(target: string): string {
  return target.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? ''
}
