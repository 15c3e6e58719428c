// An AWS-compatible HTTP endpoint for tests, the demo and the benchmark: point the real SDK v3
// Glue, Athena, STS and Lake Formation clients at `url` (client option `endpoint`). It speaks AWS
// JSON 1.1 (Glue, Athena), the AWS Query protocol (STS) and REST-JSON (Lake Formation), serves a
// Catalog, records and counts every call, and injects faults (access denied, throttling, 5xx,
// latency, connection resets, bad tokens).
// The pieces live in ./aws/: server.ts (HTTP, routing, recording), glue.ts, athena*.ts, sts.ts,
// lakeformation.ts (LF-tags),
// sql.ts (the SQL the fake Athena evaluates), faults.ts and fault-errors.ts, identity.ts.
export { startFakeAws } from './aws/server.js'
export type { FakeAws, FakeAwsOptions, RecordedCall } from './aws/server.js'
export type { Fault, FaultKind } from './aws/faults.js'
export type { Catalog } from './catalog.js'
