/** One sample of the Prometheus text exposition format (0.0.4). */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y

/** The samples of an exposition; comment lines (# HELP, # TYPE) are checked for shape and skipped. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('#')) {
      if (!/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) throw new Error(`not an exposition comment: ${line}`)
      continue
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0]
    if (!name) throw new Error(`not a sample: ${line}`)
    let at = name.length
    const labels: Record<string, string> = {}
    if (line[at] === '{') {
      at++
      LABEL.lastIndex = at
      let m: RegExpExecArray | null
      while (line[LABEL.lastIndex] !== '}' && (m = LABEL.exec(line))) {
        labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
      }
      if (line[LABEL.lastIndex] !== '}') throw new Error(`unterminated labels: ${line}`)
      at = LABEL.lastIndex + 1
    }
    const rest = line.slice(at).trim().split(/\s+/)
    // Prometheus reads values with Go's ParseFloat: NaN in any case (prom-client writes "Nan"), ±Inf.
    const raw = rest[0] ?? ''
    const value = /^nan$/i.test(raw) ? NaN : /^\+?inf$/i.test(raw) ? Infinity : /^-inf$/i.test(raw) ? -Infinity : Number(raw)
    if (raw === '' || (Number.isNaN(value) && !/^nan$/i.test(raw))) throw new Error(`no value: ${line}`)
    samples.push({ name, labels, value })
  }
  return samples
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when none (a counter not yet touched). */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value ?? 0
}
