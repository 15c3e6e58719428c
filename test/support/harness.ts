import { PassThrough } from 'node:stream'
import { buildApp, type App } from '../../src/app.js'
import type { ServiceConfig } from '../../src/config.js'
import { loadPipelineSettings } from '../../src/pipelines/settings.js'
import { startFakeAws, type FakeAws } from './aws-endpoint.js'
import type { Catalog } from './catalog.js'
import { invalidRecords, parseNdjson, type StreamRecord } from './records.js'

// The SDK's default chain would otherwise probe the instance-metadata endpoint and wait.
process.env.AWS_EC2_METADATA_DISABLED = 'true'

/** Secrets the tests put into connections; nothing the service emits may contain them. */
export const TEST_SECRETS = {
  secretAccessKey: 'tEsTsEcReTkEy/0123456789abcdefghijklmnop',
  sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN+secret/value==',
  bearer: 'bearer-token-under-test-4f8a9c',
}

export interface Harness {
  app: App
  aws: FakeAws
  /** Every log line the app wrote, as text. */
  logs: () => string
  close(): Promise<void>
}

interface TapLike {
  teardown(fn: () => unknown): void
}

/** A fake AWS endpoint plus the app wired to it; torn down with the test. */
export async function startHarness(t: TapLike, opts: { catalog?: Catalog; config?: Partial<ServiceConfig>; latencyMs?: number } = {}): Promise<Harness> {
  const aws = await startFakeAws({ ...(opts.catalog ? { catalog: opts.catalog } : {}), ...(opts.latencyMs ? { latencyMs: opts.latencyMs } : {}) })
  const stream = new PassThrough()
  const chunks: string[] = []
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')))
  const app = await buildApp({
    logStream: stream,
    config: {
      logLevel: 'debug',
      // Fast failure in tests: the SDK's own retries are exercised where a test asks for them.
      aws: { maxAttempts: 2, requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, queryWaitMs: 5_000 },
      // Tests send many requests from one address, and the fake AWS endpoint shares the test's event
      // loop (a big catalog keeps it busy): rate limiting and load shedding are off unless a test turns
      // them on (test/routes/limits.test.ts and test/security/ do).
      rateLimitMax: 0,
      authFailureLimit: 0,
      maxEventLoopDelayMs: 0,
      // Deployed pipelines in memory (opened on the first pipeline call), never a file in the repository.
      pipelines: { ...loadPipelineSettings({}), sqlitePath: ':memory:' },
      ...opts.config,
    },
  })
  const h: Harness = {
    app,
    aws,
    logs: () => chunks.join(''),
    async close() {
      await app.close()
      await aws.close()
    },
  }
  t.teardown(() => h.close())
  return h
}

/** An AthenaConnection pointed at the fake endpoint, with static keys unless overridden. */
export function athenaConnection(aws: FakeAws, overrides: Record<string, unknown> = {}, awsOverrides: Record<string, unknown> = {}) {
  return {
    type: 'Athena',
    awsConfig: {
      awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      awsSecretAccessKey: TEST_SECRETS.secretAccessKey,
      awsRegion: 'us-east-1',
      endPointURL: aws.url,
      ...awsOverrides,
    },
    s3StagingDir: 's3://athena-results-123456789012/primary/',
    workgroup: 'primary',
    ...overrides,
  }
}

/** Sets environment variables for one test and restores them when it ends (undefined = unset). */
export function withEnv(t: TapLike, vars: Record<string, string | undefined>): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  apply(vars)
  t.teardown(() => apply(saved))
}

/** Anything with tap's `equal` and `same` (typed loosely, as tap's own signatures take message tuples). */
interface Asserter {
  equal(found: any, wanted: any, ...rest: any[]): unknown

  same(found: any, wanted: any, ...rest: any[]): unknown
}

/** POST /v1/ingest with `payload`: asserts a 200 whose every record validates against its OpenMetadata schema. */
export async function ingestRecords(t: Asserter, h: Harness, payload: Record<string, unknown>): Promise<StreamRecord[]> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload })
  t.equal(res.statusCode, 200, res.statusCode === 200 ? 'ingest answered 200' : res.body.slice(0, 300))
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  return records
}
