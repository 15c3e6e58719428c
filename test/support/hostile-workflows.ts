// The hostile corpus for the two bodies that carry an OpenMetadata server connection: the automation
// Workflow OpenMetadata posts to run_automation, and /v1/ingest's sink + workflowConfig. Wrong types at
// every field (derived from the TypeBox schemas), lone surrogates in every string that ends up in a URL,
// refused and malformed hostPorts, prototype keys, deep nesting, invalid UTF-8. Every body is invalid:
// the answer must be a 4xx whose message says what is wrong, and never echo a secret.
import { AutomationWorkflow } from '../../schemas/automation.js'
import { OpenMetadataServerConfig, SinkBlock, WorkflowConfig } from '../../schemas/sink.js'
import { AthenaConnection } from '../../schemas/athena-connection.js'
import { baseConnection, deepText, mutated, propertiesOf, wrongValues, type Obj } from './hostile-corpus.js'
import { TEST_SECRETS } from './harness.js'

export interface WorkflowCase {
  name: string
  payload: string | Buffer
  /** The status expected when one is certain; otherwise any 4xx. */
  status?: number
  /** What the message must mention. */
  mentions: RegExp
}

/** A lone UTF-16 surrogate: JSON can carry it (`"\ud800"`), UTF-8 cannot, and encodeURIComponent throws on it. */
export const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83dz', '\ude00tail']

/** Where and as whom: the bot JWT is one of the secrets nothing may echo. */
export function serverConnection(hostPort: string, jwtToken: string): Obj {
  return { type: 'OpenMetadata', hostPort, authProvider: 'openmetadata', securityConfig: { jwtToken } }
}

export function automationWorkflow(endPointURL: string, hostPort: string, jwtToken: string): Obj {
  return {
    id: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    name: 'test-connection-Athena-hostile',
    workflowType: 'TEST_CONNECTION',
    request: { connection: { config: baseConnection(endPointURL) }, serviceType: 'Database', connectionType: 'Athena' },
    openMetadataServerConnection: serverConnection(hostPort, jwtToken),
  }
}

export function sinkSource(endPointURL: string, hostPort: string, jwtToken: string): Obj {
  return {
    type: 'athena',
    serviceName: 'athena_prod',
    serviceConnection: { config: baseConnection(endPointURL) },
    sink: { type: 'metadata-rest', config: {} },
    workflowConfig: { openMetadataServerConfig: serverConnection(hostPort, jwtToken) },
  }
}

const REFUSED_HOSTPORTS = [
  'http://169.254.169.254/api',
  'http://[::ffff:169.254.169.254]/api',
  'http://168.63.129.16/',
  'http://[2002:a9fe:a9fe::1]/',
  'http://metadata.google.internal/',
  'file:///etc/passwd',
  `http://bot:${TEST_SECRETS.bearer}@127.0.0.1:1/api`,
  'not a url',
  'javascript:alert(1)',
  '',
]

/** The cases common to both bodies: `at` is the path of the OpenMetadata server connection in `base`. */
function serverCases(base: Obj, at: string[], field: string, seed: number): Array<[string, Obj, RegExp]> {
  const out: Array<[string, Obj, RegExp]> = []
  const mention = new RegExp(`body/${field}|body`)
  for (const [key, schema] of propertiesOf(OpenMetadataServerConfig)) {
    for (const value of wrongValues(schema, seed++)) out.push([`${field}.${key} = ${JSON.stringify(value)}`, mutated(base, at, (o) => void (o[key] = value)), mention])
  }
  for (const hostPort of REFUSED_HOSTPORTS) out.push([`${field}.hostPort ${JSON.stringify(hostPort.slice(0, 30))}`, mutated(base, at, (o) => void (o.hostPort = hostPort)), /hostPort/])
  for (const s of LONE_SURROGATES) {
    const label = JSON.stringify(s)
    out.push([`lone surrogate ${label} in ${field}.hostPort`, mutated(base, at, (o) => void (o.hostPort = `http://127.0.0.1:1/a${s}`)), new RegExp(`body/${field}/hostPort`)])
    out.push([
      `lone surrogate ${label} in ${field}.securityConfig.jwtToken`,
      mutated(base, [...at, 'securityConfig'], (o) => void (o.jwtToken = `${o.jwtToken as string}${s}`)),
      new RegExp(`body/${field}/securityConfig/jwtToken`),
    ])
  }
  out.push([`${field} without jwtToken`, mutated(base, at, (o) => void (o.securityConfig = {})), /jwtToken/])
  out.push([`${field}.authProvider google`, mutated(base, at, (o) => void (o.authProvider = 'google')), /authProvider/])
  return out
}

export function automationCorpus(endPointURL: string, hostPort: string, jwtToken: string): WorkflowCase[] {
  const wf = automationWorkflow(endPointURL, hostPort, jwtToken)
  const cases: Array<[string, Obj, RegExp]> = []
  let seed = 0
  for (const [key, schema] of propertiesOf(AutomationWorkflow)) {
    for (const value of wrongValues(schema, seed++)) cases.push([`workflow.${key} = ${JSON.stringify(value)}`, mutated(wf, [], (o) => void (o[key] = value)), /body/])
  }
  for (const [key, schema] of propertiesOf(AthenaConnection)) {
    for (const value of wrongValues(schema, seed++, 2)) {
      cases.push([`request.connection.config.${key} = ${JSON.stringify(value)}`, mutated(wf, ['request', 'connection', 'config'], (o) => void (o[key] = value)), /body\/request\/connection\/config/])
    }
  }
  for (const s of LONE_SURROGATES) {
    const label = JSON.stringify(s)
    for (const key of ['name', 'fullyQualifiedName', 'displayName', 'description']) {
      cases.push([`lone surrogate ${label} in workflow.${key}`, mutated(wf, [], (o) => void (o[key] = `wf-${s}`)), new RegExp(`body/${key}`)])
    }
    cases.push([`lone surrogate ${label} in workflow.id`, mutated(wf, [], (o) => void (o.id = `3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5${s}`)), /body\/id/])
    cases.push([
      `lone surrogate ${label} in the workgroup`,
      mutated(wf, ['request', 'connection', 'config'], (o) => void (o.workgroup = `primary${s}`)),
      /body\/request\/connection\/config\/workgroup/,
    ])
    cases.push([
      `lone surrogate ${label} in endPointURL`,
      mutated(wf, ['request', 'connection', 'config', 'awsConfig'], (o) => void (o.endPointURL = `${endPointURL}/${s}`)),
      /body\/request\/connection\/config\/awsConfig\/endPointURL/,
    ])
    cases.push([`lone surrogate ${label} in request.serviceName`, mutated(wf, ['request'], (o) => void (o.serviceName = `svc${s}`)), /body\/request\/serviceName/])
  }
  cases.push(...serverCases(wf, ['openMetadataServerConnection'], 'openMetadataServerConnection', seed))
  cases.push(['workflowType REVERSE_INGESTION', { ...wf, workflowType: 'REVERSE_INGESTION' }, /workflowType/])
  cases.push(['connectionType Mysql', mutated(wf, ['request'], (o) => void (o.connectionType = 'Mysql')), /connectionType/])
  for (const key of (AutomationWorkflow as unknown as { required: string[] }).required) {
    cases.push([`workflow without ${key}`, mutated(wf, [], (o) => void delete o[key]), new RegExp(key)])
  }
  return [...cases.map(([name, body, mentions]) => ({ name, payload: JSON.stringify(body), mentions })), ...rawCases(JSON.stringify(wf), '"request":{')]
}

export function sinkCorpus(endPointURL: string, hostPort: string, jwtToken: string): WorkflowCase[] {
  const body = sinkSource(endPointURL, hostPort, jwtToken)
  const cases: Array<[string, Obj, RegExp]> = []
  let seed = 100
  for (const [key, schema] of propertiesOf(WorkflowConfig)) {
    for (const value of wrongValues(schema, seed++))
      cases.push([`workflowConfig.${key} = ${JSON.stringify(value)}`, mutated(body, ['workflowConfig'], (o) => void (o[key] = value)), /body\/workflowConfig|body/])
  }
  for (const [key, schema] of propertiesOf(SinkBlock)) {
    for (const value of wrongValues(schema, seed++)) cases.push([`sink.${key} = ${JSON.stringify(value)}`, mutated(body, ['sink'], (o) => void (o[key] = value)), /body\/sink|body/])
  }
  cases.push(...serverCases(body, ['workflowConfig', 'openMetadataServerConfig'], 'workflowConfig/openMetadataServerConfig', seed))
  for (const s of LONE_SURROGATES)
    cases.push([`lone surrogate ${JSON.stringify(s)} in workflowConfig.loggerLevel`, mutated(body, ['workflowConfig'], (o) => void (o.loggerLevel = `INFO${s}`)), /body\/workflowConfig\/loggerLevel/])
  cases.push(['sink without workflowConfig', mutated(body, [], (o) => void delete o.workflowConfig), /workflowConfig/])
  cases.push(['workflowConfig without openMetadataServerConfig', { ...body, workflowConfig: {} }, /openMetadataServerConfig/])
  cases.push(['sink.type file', mutated(body, ['sink'], (o) => void (o.type = 'file')), /sink/])
  cases.push(['workflowConfig = "x"', { ...body, workflowConfig: 'x' }, /workflowConfig/])
  return [...cases.map(([name, b, mentions]) => ({ name, payload: JSON.stringify(b), mentions })), ...rawCases(JSON.stringify(body), '"workflowConfig":{')]
}

/** Bodies only text can make: prototype keys, deep nesting, invalid UTF-8, a lone surrogate in a key. */
function rawCases(text: string, openAt: string): WorkflowCase[] {
  const at = (insert: string) => text.replace(openAt, `${openAt}${insert},`)
  const utf8 = (bytes: number[]) => {
    const [before, after] = text.split('"athena-results-123456789012') as [string, string]
    return Buffer.concat([Buffer.from(`${before}"athena`), Buffer.from(bytes), Buffer.from(`-results-123456789012${after}`)])
  }
  return [
    { name: '__proto__ key', payload: at('"__proto__":{"polluted":"yes"}'), mentions: /__proto__/ },
    { name: 'constructor.prototype key', payload: at('"constructor":{"prototype":{"polluted":"yes"}}'), mentions: /constructor/ },
    { name: '10 000 levels deep', payload: at(`"deep":${deepText(10_000)}`), mentions: /deeper than/ },
    { name: 'invalid UTF-8 (0xff)', payload: utf8([0xff]), mentions: /UTF-8/ },
    { name: 'UTF-8-encoded surrogate', payload: utf8([0xed, 0xa0, 0x80]), mentions: /UTF-8/ },
    { name: 'lone surrogate in a key', payload: at('"k\\ud800":1'), mentions: /body.*not well-formed Unicode/ },
    { name: 'escaped lone surrogate in an unknown property', payload: at('"note":"x\\udc00y"'), mentions: /body\/.*note.*not well-formed Unicode/ },
    { name: 'not JSON', payload: text.slice(0, -1), mentions: /JSON/ },
  ]
}
