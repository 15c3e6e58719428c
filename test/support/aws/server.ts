// One HTTP server speaking Glue and Athena (AWS JSON 1.1, routed by X-Amz-Target), STS (AWS
// Query, form-encoded) and Lake Formation (REST-JSON, `POST /<Action>` signed for lakeformation).
// Every request is recorded and counted, then latency and faults apply, then authentication
// (catalog.accessKeys, expired AssumeRole sessions), then the operation.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadSampleCatalog, type Catalog } from '../catalog.js'
import { athenaHandlers } from './athena.js'
import { QueryStore } from './athena-queries.js'
import type { Ctx, Handler } from './context.js'
import { faultError, type Service } from './fault-errors.js'
import { FaultSet, type Fault } from './faults.js'
import { glueHandlers } from './glue.js'
import { streamHugeAnswer, type StreamedAnswer } from './hostile.js'
import { Identities } from './identity.js'
import { lakeFormationHandlers, lakeFormationOperation } from './lakeformation.js'
import { AwsError, parseSigV4 } from './protocol.js'
import { verifySignature } from './signature.js'
import { stsError, stsHandlers, stsResponse } from './sts.js'

export interface RecordedCall {
  /** 'glue:GetTables', 'athena:StartQueryExecution', 'sts:AssumeRole'; 'unknown:<target>' for anything else. */
  action: string
  /** The parsed JSON body; for STS the form fields. */
  body: any
  accessKeyId?: string
  region?: string
  /** The X-Amz-Security-Token the call was signed with, if any. */
  sessionToken?: string
  /** Date.now() when the request arrived. */
  at: number
}

export interface FakeAws {
  /** 'http://127.0.0.1:<port>' */
  url: string
  /** Calls to one action ('glue:GetTables'), or all calls. */
  count(action?: string): number
  counts(): Record<string, number>
  /** Every request in arrival order, faulted ones included. */
  calls: RecordedCall[]
  /** Every `hugeAnswer` the endpoint started, in order: how much of it was written before the client left. */
  streamed: StreamedAnswer[]
  addFault(f: Fault): void
  clearFaults(): void
  /** Clears counters, the call log and the faults (not the catalog, not issued sessions or queries). */
  reset(): void
  /** The live catalog; tests may change it between calls. */
  catalog: Catalog
  close(): Promise<void>
}

export interface FakeAwsOptions {
  /** Served as is (not copied); default: a fresh copy of the sample catalog. */
  catalog?: Catalog
  /** Added before every answer. */
  latencyMs?: number
  /** Seed of the PRNG behind `Fault.rate` (default 1). */
  seed?: number
  port?: number
  host?: string
  /**
   * Strict credentials (the sandbox): accessKeyId → secretAccessKey. When given, a key that is neither here
   * nor issued by this endpoint's AssumeRole is refused, and every signature is verified with the secret.
   */
  secrets?: Record<string, string>
  /** accessKeyId → actions ('glue:GetTables', 'athena:*') that key is denied (AccessDeniedException). */
  deny?: Record<string, string[]>
}

const SERVICES: Record<string, Service> = { AWSGlue: 'glue', AmazonAthena: 'athena' }
const HANDLERS: Record<Service, Record<string, Handler>> = { glue: glueHandlers, athena: athenaHandlers, sts: stsHandlers, lakeformation: lakeFormationHandlers }

interface Parsed {
  service?: Service
  op: string
  action: string
  body: any
  /** A request that cannot be parsed is answered with this error. */
  error?: AwsError
}

function parse(req: IncomingMessage, text: string): Parsed {
  const target = req.headers['x-amz-target']
  if (typeof target === 'string') {
    const dot = target.indexOf('.')
    const service = SERVICES[target.slice(0, dot)]
    const op = target.slice(dot + 1)
    let body: any = {}
    let error: AwsError | undefined
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      error = new AwsError('SerializationException', 'Start of structure or map found where not expected.')
    }
    if (!service) return { op, action: `unknown:${target}`, body, error: unknownOperation() }
    return { service, op, action: `${service}:${op}`, body, ...(error ? { error } : {}) }
  }
  // Lake Formation is REST-JSON: `POST /<Action>` signed for the `lakeformation` service.
  const lfOp = lakeFormationOperation(req.method, req.url, req.headers.authorization)
  if (lfOp) {
    try {
      return { service: 'lakeformation', op: lfOp, action: `lakeformation:${lfOp}`, body: text ? JSON.parse(text) : {} }
    } catch {
      return { service: 'lakeformation', op: lfOp, action: `lakeformation:${lfOp}`, body: {}, error: new AwsError('SerializationException', 'Malformed JSON body.') }
    }
  }
  const type = String(req.headers['content-type'] ?? '')
  if (type.includes('x-www-form-urlencoded')) {
    const body = Object.fromEntries(new URLSearchParams(text))
    const op = String(body.Action ?? '')
    return { service: 'sts', op, action: `sts:${op}`, body }
  }
  return { op: '', action: `unknown:${req.method} ${req.url}`, body: text, error: unknownOperation() }
}

function unknownOperation(): AwsError {
  const e = new AwsError('UnknownOperationException', undefined)
  e.hasMessage = false
  return e
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed || res.writableEnded) return
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)), date: new Date().toUTCString() })
  res.end(body)
}

function sendJsonError(res: ServerResponse, service: string, e: AwsError, requestId: string): void {
  const body: Record<string, unknown> = { __type: e.code, ...(e.hasMessage ? { Message: e.message } : {}), ...e.extra }
  send(
    res,
    e.status,
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${e.code}:http://internal.amazon.com/coral/com.amazonaws.${service}/`,
    },
    JSON.stringify(body),
  )
}

/** REST-JSON (Lake Formation): the code in X-Amzn-ErrorType (what the SDK reads first), `Message` in the body. */
function sendRestJsonError(res: ServerResponse, e: AwsError, requestId: string): void {
  send(
    res,
    e.status,
    {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${e.code}:http://internal.amazon.com/coral/com.amazonaws.lakeformation/`,
    },
    JSON.stringify(e.hasMessage ? { Message: e.message, ...e.extra } : { ...e.extra }),
  )
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

export async function startFakeAws(opts: FakeAwsOptions = {}): Promise<FakeAws> {
  const catalog = opts.catalog ?? loadSampleCatalog()
  const faults = new FaultSet(opts.seed ?? 1)
  const identities = new Identities()
  const queries = new QueryStore()
  let calls: RecordedCall[] = []
  let tally = new Map<string, number>()
  let streamed: StreamedAnswer[] = []
  let endless = 0

  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const requestId = randomUUID()
    const p = parse(req, text)
    const cred = parseSigV4(req.headers.authorization)
    const token = req.headers['x-amz-security-token']
    fake.calls.push({
      action: p.action,
      body: p.body,
      ...(cred ? { accessKeyId: cred.accessKeyId, region: cred.region } : {}),
      ...(typeof token === 'string' ? { sessionToken: token } : {}),
      at: Date.now(),
    })
    tally.set(p.action, (tally.get(p.action) ?? 0) + 1)

    const ctx: Ctx = {
      catalog: fake.catalog,
      body: p.body,
      region: cred?.region ?? fake.catalog.region,
      ...(cred ? { accessKeyId: cred.accessKeyId } : {}),
      principal: identities.principal(fake.catalog, cred?.accessKeyId),
      identities,
      queries,
    }
    const fail = (e: AwsError) =>
      p.service === 'sts'
        ? send(res, e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, stsError(e, requestId))
        : p.service === 'lakeformation'
          ? sendRestJsonError(res, e, requestId)
          : sendJsonError(res, p.service ?? 'unknown', e, requestId)

    const decision = faults.decide(p.action, p.body)
    const delay = (opts.latencyMs ?? 0) + decision.delayMs
    if (delay > 0) await sleep(delay)
    if (decision.fault?.kind === 'reset') {
      req.socket.destroy()
      return
    }
    if (p.error) return fail(p.error)
    const service = p.service!
    const contentType = service === 'lakeformation' ? 'application/json' : 'application/x-amz-json-1.1'
    const kind = decision.fault?.kind
    if (kind === 'hugeAnswer') {
      const f = decision.fault!
      streamed.push(streamHugeAnswer(res, { action: p.action, bytes: f.bytes ?? 0, declareLength: f.declareLength ?? false, contentType, requestId }))
      return
    }
    // Paging that never ends: the first page again, under a NextToken the endpoint would itself refuse.
    const hostileToken = kind === 'repeatToken' ? (decision.fault!.token ?? 'repeating-token') : kind === 'endlessPages' ? `endless-page-${++endless}` : undefined
    if (hostileToken !== undefined) ctx.body = { ...ctx.body, NextToken: undefined }
    if (decision.fault && kind !== 'latency' && hostileToken === undefined) return fail(faultError(kind as Parameters<typeof faultError>[0], service, p.op, ctx))

    try {
      const handler = HANDLERS[service][p.op]
      if (!handler) {
        if (service === 'sts') throw new AwsError('InvalidAction', `Could not find operation ${p.op} for version 2011-06-15`)
        throw unknownOperation()
      }
      const protocol = service === 'sts' ? 'query' : 'json'
      if (opts.secrets) {
        const secrets = opts.secrets
        verifySignature(req, text, protocol, (key) => secrets[key] ?? identities.sessions.get(key)?.secretAccessKey)
      }
      identities.authenticate(fake.catalog, cred?.accessKeyId, protocol)
      const denied = cred ? opts.deny?.[cred.accessKeyId] : undefined
      if (denied?.some((a) => a === p.action || (a.endsWith(':*') && p.action.startsWith(a.slice(0, -1))))) {
        return fail(faultError('accessDenied', service, p.op, ctx))
      }
      const out = handler(ctx)
      if (service === 'sts') {
        return send(res, 200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, stsResponse(p.op, String(out), requestId))
      }
      send(res, 200, { 'content-type': contentType, 'x-amzn-requestid': requestId }, JSON.stringify(hostileToken === undefined ? out : { ...(out as object), NextToken: hostileToken }))
    } catch (err) {
      if (err instanceof AwsError) return fail(err)
      const e = new AwsError(
        service === 'glue' || service === 'lakeformation' ? 'InternalServiceException' : service === 'athena' ? 'InternalServerException' : 'InternalFailure',
        `fake AWS endpoint bug: ${(err as Error).stack ?? String(err)}`,
        500,
      )
      return fail(e)
    }
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        send(res, 500, { 'content-type': 'text/plain' }, `fake AWS endpoint bug: ${String(err)}`)
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  const fake: FakeAws = {
    url: `http://${host}:${address.port}`,
    get calls() {
      return calls
    },
    set calls(v: RecordedCall[]) {
      calls = v
    },
    get streamed() {
      return streamed
    },
    catalog,
    count(action?: string) {
      if (action === undefined) return calls.length
      return tally.get(action) ?? 0
    },
    counts() {
      return Object.fromEntries(tally)
    },
    addFault(f) {
      faults.add(f)
    },
    clearFaults() {
      faults.clear()
    },
    reset() {
      calls = []
      tally = new Map()
      streamed = []
      faults.clear()
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
  return fake
}
