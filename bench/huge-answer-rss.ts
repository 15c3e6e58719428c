// Peak RSS of one /v1/ingest whose Glue GetDatabases answer is huge (issue 10 §4): the test endpoint
// streams the answer, so only the service's own memory grows. Usage, after `npm run build`:
//   node dist/bench/huge-answer-rss.js [answerMiB=150]
import { buildApp } from '../src/app.js'
import { startFakeAws } from '../test/support/aws-endpoint.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'

const MiB = 1024 * 1024
const answerBytes = Number(process.argv[2] ?? 150) * MiB
const aws = await startFakeAws()
aws.addFault({ action: 'glue:GetDatabases', kind: 'hugeAnswer', bytes: answerBytes })
const app = await buildApp({ logStream: false, config: { rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
const body = {
  serviceName: 'svc',
  serviceConnection: {
    config: {
      type: 'Athena',
      awsConfig: { awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', awsSecretAccessKey: 'x'.repeat(40), awsRegion: 'us-east-1', endPointURL: aws.url },
      s3StagingDir: 's3://bucket/results/',
      workgroup: 'primary',
    },
  },
}
global.gc?.()
const before = process.memoryUsage().rss
let peak = before
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10)
const res = await app.inject({ method: 'POST', url: '/v1/ingest', payload: body })
clearInterval(sampler)
peak = Math.max(peak, process.memoryUsage().rss)
await aws.streamed[0]?.finished
const sent = aws.streamed[0]?.sent ?? 0
console.log(
  JSON.stringify({
    answerMiB: answerBytes / MiB,
    status: res.statusCode,
    message: res.statusCode === 200 ? undefined : res.json<{ message: string }>().message,
    rssBeforeMiB: Math.round(before / MiB),
    rssPeakMiB: Math.round(peak / MiB),
    growthMiB: Math.round((peak - before) / MiB),
    endpointWroteMiB: Math.round(sent / MiB),
  }),
)
await app.close()
await aws.close()
