// What a handler gets: the live catalog, the parsed request, who is calling, and shared state.
import type { Catalog } from '../catalog.js'
import type { Identities, Principal } from './identity.js'
import type { QueryStore } from './athena-queries.js'

export interface Ctx {
  catalog: Catalog
  /** The parsed JSON body (Glue, Athena) or the form fields (STS). */
  body: any
  /** The region the request was signed for (falls back to the catalog's). */
  region: string
  accessKeyId?: string
  principal: Principal
  identities: Identities
  queries: QueryStore
}

/** An operation: returns the response object (JSON services) or XML text (STS); throws AwsError. */
export type Handler = (ctx: Ctx) => unknown
