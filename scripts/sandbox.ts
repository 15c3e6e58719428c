// `npm run sandbox`: a place to try the service without AWS. Starts the AWS-compatible endpoint with the sample
// catalog and the sandbox's key pairs (strict credentials: signatures are checked) and the built service
// (`node dist/src/server.js`, what the container runs), on fixed ports; prints commands to paste; Ctrl-C stops both.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { DEFAULT_AUTOMATION_PREFIX } from '../src/automation/settings.js'
import { SANDBOX_AUTH_TOKEN, SANDBOX_AUTOMATION, SANDBOX_KEYS, startSandboxAws } from '../test/support/sandbox.js'

const HOST = '127.0.0.1'
const servicePort = portFromEnv('SANDBOX_PORT', 8080)
const awsPort = portFromEnv('SANDBOX_AWS_PORT', 4566)
const token = process.env.SANDBOX_AUTH_TOKEN || SANDBOX_AUTH_TOKEN
// Basic credentials of the automation API, so that its operations in /docs run here too.
const automationUser = process.env.AUTOMATION_USERNAME || SANDBOX_AUTOMATION.username
const automationPassword = process.env.AUTOMATION_PASSWORD || SANDBOX_AUTOMATION.password

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name} must be a port number (1-65535), got "${raw}"`)
  return n
}

function fail(message: string): never {
  console.error(`sandbox: ${message}`)
  process.exit(1)
}

/** Fails clearly when a port is taken, before anything starts. */
async function ensureFree(port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? `port ${port} on ${HOST} is already in use: stop what listens there, or choose another port with ${variable}=<port>`
          : `cannot listen on ${HOST}:${port} (${variable}): ${err.message}`,
      ),
    )
    probe.listen(port, HOST, () => probe.close(() => resolve()))
  })
}

await ensureFree(awsPort, 'SANDBOX_AWS_PORT')
await ensureFree(servicePort, 'SANDBOX_PORT')
const { aws } = await startSandboxAws({ port: awsPort, host: HOST })
const service = spawn(process.execPath, [fileURLToPath(new URL('../src/server.js', import.meta.url))], {
  env: {
    ...process.env,
    PORT: String(servicePort),
    HOST,
    AUTH_TOKEN: token,
    AUTOMATION_USERNAME: automationUser,
    AUTOMATION_PASSWORD: automationPassword,
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    AWS_EC2_METADATA_DISABLED: 'true',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
let stopping = false
service.on('exit', (code) => {
  if (!stopping) console.error(`sandbox: the service exited (code ${code}); stopping`)
  void aws.close().then(() => process.exit(stopping ? 0 : 1))
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    console.log('\nsandbox: stopping the service and the AWS endpoint…')
    service.kill('SIGTERM')
  })
}

const base = `http://${HOST}:${servicePort}`
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/health`)).ok) break
  } catch {
    // not listening yet
  }
  if (i > 150) fail('the service was not ready (/health) within 15 s')
  await new Promise((r) => setTimeout(r, 100))
}

const { valid } = SANDBOX_KEYS
console.log(`Sandbox ready (Ctrl-C stops it).
  service           ${base}   (bearer token: ${token === SANDBOX_AUTH_TOKEN ? token : '(from SANDBOX_AUTH_TOKEN)'})
  automation API    ${base}${process.env.AUTOMATION_PREFIX || DEFAULT_AUTOMATION_PREFIX}   (Basic: ${automationUser} / ${automationPassword === SANDBOX_AUTOMATION.password ? automationPassword : '(from AUTOMATION_PASSWORD)'})
  AWS test endpoint ${aws.url}   (Glue, Athena, STS, Lake Formation; the sample catalog, account 123456789012)
  key pairs         valid   ${SANDBOX_KEYS.valid.awsAccessKeyId} / ${SANDBOX_KEYS.valid.awsSecretAccessKey}
                    expired ${SANDBOX_KEYS.expired.awsAccessKeyId} / ${SANDBOX_KEYS.expired.awsSecretAccessKey}
                    denied  ${SANDBOX_KEYS.denied.awsAccessKeyId} / ${SANDBOX_KEYS.denied.awsSecretAccessKey} (no glue:GetTables)

Try (README "Try it" has more):
  export CONN='{"type":"Athena","awsConfig":{"awsAccessKeyId":"${valid.awsAccessKeyId}","awsSecretAccessKey":"${valid.awsSecretAccessKey}","awsRegion":"us-east-1","endPointURL":"${aws.url}"},"s3StagingDir":"s3://athena-results-123456789012/primary/","workgroup":"primary"}'
  curl -s -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' -d "$CONN" ${base}/v1/test-connection
  curl -s -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' -H 'accept: application/json' -d "{\\"serviceName\\":\\"athena_sandbox\\",\\"serviceConnection\\":{\\"config\\":$CONN}}" ${base}/v1/databases
  curl -s -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' -d "{\\"serviceName\\":\\"athena_sandbox\\",\\"serviceConnection\\":{\\"config\\":$CONN}}" ${base}/v1/ingest | head -n 5
  open ${base}/docs (Authorize: the bearer token, and the Basic credentials for the automation API) for every operation with examples
`)
