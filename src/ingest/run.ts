import type { SourceT } from '../../schemas/requests.js'
import { classifyAwsError } from '../aws/errors.js'
import { awsFailureAsServiceError } from '../athena/diagnose.js'
import { ServiceError } from '../errors.js'
import { ingest, type IngestOptions } from './ingest.js'
import { planIngest } from './plan.js'
import type { EntityRecord, IngestRecord } from './records.js'

export interface StartedIngest {
  /** The records, first one included; the AWS catalog has already answered. */
  records: AsyncGenerator<IngestRecord>
}

/**
 * Starts an ingest and waits for its first record, which comes only after the catalog answered its
 * first call: a failure there is thrown as a ServiceError with an HTTP status and a plain message,
 * so the caller can answer a clean error before committing to a stream.
 */
export async function startIngest(source: SourceT, defaultServiceName: string | undefined, opts: IngestOptions): Promise<StartedIngest> {
  const plan = planIngest(source, defaultServiceName)
  const maxAttempts = source.options?.maxAttempts
  const iterator = ingest(plan, maxAttempts ? { ...opts, settings: { ...opts.settings, maxAttempts } } : opts)
  let first: IteratorResult<IngestRecord>
  try {
    first = await iterator.next()
  } catch (err) {
    throw toServiceError(err, plan.connection)
  }
  async function* records(): AsyncGenerator<IngestRecord> {
    if (!first.done) yield first.value
    yield* iterator
  }
  return { records: records() }
}

/** Service, databases and schemas, as one answer (no table is read). */
export async function listDatabases(source: SourceT, opts: Omit<IngestOptions, 'withTables'>) {
  const { records } = await startIngest(source, 'athena', { ...opts, withTables: false })
  const answer = {
    databaseService: undefined as unknown as Extract<EntityRecord, { kind: 'databaseService' }>['entity'],
    databases: [] as Array<Extract<EntityRecord, { kind: 'database' }>['entity']>,
    databaseSchemas: [] as Array<Extract<EntityRecord, { kind: 'databaseSchema' }>['entity']>,
    status: undefined as unknown as Extract<IngestRecord, { kind: 'status' }>['entity'],
  }
  for await (const r of records) {
    if (r.kind === 'databaseService') answer.databaseService = r.entity
    else if (r.kind === 'database') answer.databases.push(r.entity)
    else if (r.kind === 'databaseSchema') answer.databaseSchemas.push(r.entity)
    else if (r.kind === 'status') answer.status = r.entity
  }
  return answer
}

/** A failure before the first record: a ServiceError as it is, an AWS one (the first Glue listing) explained. */
function toServiceError(err: unknown, connection: SourceT['serviceConnection']['config']): Error {
  if (err instanceof ServiceError) return err
  if (classifyAwsError(err).kind === 'unknown' && !(err as { $metadata?: unknown })?.$metadata) return err as Error
  return awsFailureAsServiceError(err, {
    operation: 'glue:GetDatabases',
    region: connection.awsConfig.awsRegion,
    ...(connection.catalogId ? { catalogId: connection.catalogId } : {}),
    ...(connection.awsConfig.endPointURL ? { endpoint: connection.awsConfig.endPointURL } : {}),
  })
}
