/**
 * The one bound on every AWS paging loop. A listing follows NextToken until the service stops
 * sending one; an endpoint that never stops (a caller-chosen endPointURL, or a service bug) would
 * keep the loop, its memory and its worker forever. So a listing stops with a {@link ListingStoppedError}
 * naming the operation when the endpoint sends a NextToken it has sent before (its paging does not
 * advance), after `maxPages` pages, or once the time spent waiting for its pages passes `timeoutMs`.
 */
import { createHash } from 'node:crypto'

export interface PagingLimits {
  /** Most pages one listing may read (AWS_LISTING_MAX_PAGES). */
  maxPages: number
  /**
   * Most time one listing may spend waiting for AWS (AWS_LISTING_TIMEOUT_MS). Only the calls count,
   * not the time the caller takes between pages: a slow reader of the output must not fail a listing.
   */
  timeoutMs: number
}

/** 10 000 pages is a million Glue tables in one database; 15 minutes of AWS time is far beyond any real listing. */
export const DEFAULT_PAGING_LIMITS: PagingLimits = { maxPages: 10_000, timeoutMs: 900_000 }

/** What every paged reader takes: the request's signal and the bounds. */
export interface ListingScope {
  signal?: AbortSignal
  paging?: PagingLimits
}

const count = (pages: number) => `${pages} page${pages === 1 ? '' : 's'}`

export class ListingStoppedError extends Error {
  readonly code = 'ListingStopped'
  constructor(
    /** As in diagnose.ts: `glue:GetTables`. */
    readonly operation: string,
    readonly reason: string,
  ) {
    super(`${operation} paging stopped: ${reason}`)
    this.name = 'ListingStoppedError'
  }
}

/**
 * The pages of one listing: `fetch(token)` reads the page after `token` (undefined: the first one),
 * `nextToken(page)` says where the next one starts. Pages are yielded as they come; the consumer may
 * stop early.
 */
export async function* boundedPages<P>(
  operation: string,
  limits: PagingLimits | undefined,
  fetch: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | null | undefined,
): AsyncGenerator<P> {
  const { maxPages, timeoutMs } = limits ?? DEFAULT_PAGING_LIMITS
  // Digests, not the tokens: an endpoint chooses their size.
  const seen = new Set<string>()
  let waitedMs = 0
  let token: string | undefined
  for (let pages = 1; ; pages++) {
    const before = Date.now()
    const page = await fetch(token)
    waitedMs += Date.now() - before
    yield page
    token = nextToken(page) || undefined
    if (!token) return
    const digest = createHash('sha256').update(token).digest('base64')
    if (seen.has(digest)) {
      throw new ListingStoppedError(operation, `after ${count(pages)} the endpoint sent a NextToken it had already sent, so its paging does not advance`)
    }
    seen.add(digest)
    if (pages >= maxPages) {
      throw new ListingStoppedError(operation, `the listing has more than ${maxPages} pages (AWS_LISTING_MAX_PAGES); raise the limit if the catalog really is that large`)
    }
    if (waitedMs > timeoutMs) {
      throw new ListingStoppedError(operation, `the listing took more than ${timeoutMs} ms of AWS time over ${count(pages)} (AWS_LISTING_TIMEOUT_MS)`)
    }
  }
}
