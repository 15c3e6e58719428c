/**
 * 400 messages for request bodies that fail their TypeBox schema: Fastify's `<dataVar><path> <ajv message>`, except
 * that an unknown property is named, with the closest known property when one is near enough — a misspelt
 * `awsSecretAccesKey` should say which key was meant, not only that `awsConfig` has "additional properties".
 * Needs ajv's `verbose: true` (src/app.ts) for the known properties; without it the name alone is given.
 */
import type { FastifySchemaValidationError } from 'fastify'

type ValidationError = FastifySchemaValidationError & { parentSchema?: { properties?: Record<string, unknown> } }

export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: string): Error {
  // ajv's `must match "then"/"else" schema` lines (keyword `if`) only repeat the error reported just before them.
  const useful = errors.filter((e) => e.keyword !== 'if')
  const shown = useful.length > 0 ? useful : errors
  return new Error(shown.map((e) => describe(e as ValidationError, dataVar)).join(', '))
}

function describe(e: ValidationError, dataVar: string): string {
  const at = `${dataVar}${e.instancePath ?? ''}`
  const unknown = (e.params as { additionalProperty?: unknown } | undefined)?.additionalProperty
  if (e.keyword === 'additionalProperties' && typeof unknown === 'string') {
    const known = Object.keys(e.parentSchema?.properties ?? {})
    const near = closestName(unknown, known)
    const hint = near ? `: did you mean '${near}'?` : known.length > 0 ? ` (known properties: ${known.join(', ')})` : ''
    return `${at}/${unknown} is not a known property of ${at}${hint}`
  }
  return `${at} ${e.message ?? ''}`
}

/** The known name nearest to `name` (case-insensitive edit distance), when it is near enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const wanted = name.toLowerCase()
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase())
    if (!best || distance < best.distance) best = { name: candidate, distance }
  }
  // A typo is a few edits; beyond a third of the name it is another word, and a suggestion would mislead.
  return best && best.distance <= Math.max(1, Math.min(3, Math.floor(name.length / 3))) ? best.name : undefined
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment); names are short. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length)
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}
