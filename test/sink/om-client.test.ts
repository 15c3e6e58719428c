import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { OmClient, OmUnreachableError, retryAfterMs, serverMessage } from '../../src/sink/om-client.js'
import { startFakeOm } from '../support/fake-om.js'

const SETTINGS = { maxAttempts: 3, requestTimeoutMs: 2_000, retryBaseMs: 5, maxRetryDelayMs: 5_000 }
const loggedIn = (method: string, path: string) => method === 'GET' && path === '/api/v1/users/loggedInUser'

t.test('Retry-After is honoured on 429', async (t) => {
  const om = await startFakeOm(t)
  om.failNext({ status: 429, times: 1, retryAfter: '1', match: loggedIn })
  const client = new OmClient({ baseUrl: om.url, jwtToken: om.token }, SETTINGS)
  const started = Date.now()
  const res = await client.request('GET', '/v1/users/loggedInUser')
  const waited = Date.now() - started
  t.equal(res.status, 200)
  t.equal(res.attempts, 2)
  t.ok(waited >= 900, `waited ${waited} ms for Retry-After: 1`)
})

t.test('Retry-After: seconds or an HTTP date, capped; absent or junk: undefined', async (t) => {
  t.equal(retryAfterMs('3', 10_000), 3_000)
  t.equal(retryAfterMs('120', 10_000), 10_000, 'capped')
  const inTwo = new Date(Date.now() + 2_000).toUTCString()
  const ms = retryAfterMs(inTwo, 10_000)!
  t.ok(ms > 0 && ms <= 2_000, `HTTP date: ${ms}`)
  t.equal(retryAfterMs(new Date(Date.now() - 60_000).toUTCString(), 10_000), 0, 'a date in the past: now')
  t.equal(retryAfterMs(null, 10_000), undefined)
  t.equal(retryAfterMs('soon', 10_000), undefined)
})

t.test('5xx past the bound is returned (the caller reports it); 4xx is never retried', async (t) => {
  const om = await startFakeOm(t)
  om.failNext({ status: 502, times: 10, match: loggedIn })
  const client = new OmClient({ baseUrl: om.url, jwtToken: om.token }, SETTINGS)
  const res = await client.request('GET', '/v1/users/loggedInUser')
  t.equal(res.status, 502)
  t.equal(res.attempts, 3)
  t.equal(serverMessage(res), 'Internal server error')
  const notFound = await client.request('GET', '/v1/tables/name/nope')
  t.equal(notFound.status, 404)
  t.equal(notFound.attempts, 1)
})

t.test('a server that never answers: a timeout per attempt, then OmUnreachableError; the JWT is in no message', async (t) => {
  const hanging = createServer(() => {})
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    hanging.closeAllConnections()
    hanging.close()
  })
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/api`
  const client = new OmClient({ baseUrl: url, jwtToken: 'secret-jwt-value' }, { ...SETTINGS, maxAttempts: 2, requestTimeoutMs: 150 })
  const err = await client.request('GET', '/v1/system/version').catch((e: unknown) => e)
  t.type(err, OmUnreachableError)
  t.match((err as Error).message, /GET 127\.0\.0\.1:\d+…\/v1\/system\/version failed after 2 attempt\(s\): no answer within 150 ms/)
  t.notOk((err as Error).message.includes('secret-jwt-value'))
})

t.test('the caller aborting stops the call at once', async (t) => {
  const om = await startFakeOm(t)
  om.delayMs = 2_000
  const controller = new AbortController()
  const client = new OmClient({ baseUrl: om.url, jwtToken: om.token }, SETTINGS, controller.signal)
  const started = Date.now()
  setTimeout(() => controller.abort(new Error('client closed the connection')), 50)
  const err = await client.request('GET', '/v1/users/loggedInUser').catch((e: unknown) => e)
  t.match((err as Error).message, /client closed the connection/)
  t.ok(Date.now() - started < 1_000)
})
