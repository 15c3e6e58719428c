// Athena stores a view in Glue as TableType VIRTUAL_VIEW with ViewOriginalText
// `/* Presto View: <base64 of a JSON document> */` and ViewExpandedText `/* Presto View */`.

export interface PrestoViewDocument {
  originalSql: string
  catalog: string
  schema: string
  columns: Array<{ name: string; type: string }>
  owner?: string
  runAsInvoker?: boolean
}

/** The ViewOriginalText Athena writes for a view. */
export function prestoViewText(doc: PrestoViewDocument): string {
  return `/* Presto View: ${Buffer.from(JSON.stringify(doc), 'utf8').toString('base64')} */`
}

/** The document inside a ViewOriginalText, or undefined when it is not an Athena view text. */
export function parsePrestoView(text: string | undefined): PrestoViewDocument | undefined {
  const m = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text?.trim() ?? '')
  if (!m) return undefined
  try {
    return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as PrestoViewDocument
  } catch {
    return undefined
  }
}
