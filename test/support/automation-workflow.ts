// The automation Workflow entity as OpenMetadata's server serialises it for run_automation (tests of the
// automation API and of its outbound guard build the same body).
import { randomUUID } from 'node:crypto'

export interface WorkflowOptions {
  /** The AthenaConnection under request.connection.config. */
  connection: Record<string, unknown>
  hostPort: string
  jwt: string
  /** Members merged over the TestServiceConnectionRequest. */
  request?: Record<string, unknown>
}

export function automationWorkflow(opts: WorkflowOptions) {
  const name = `test-connection-Athena-${randomUUID().slice(0, 8)}`
  return {
    id: randomUUID(),
    name,
    fullyQualifiedName: name,
    workflowType: 'TEST_CONNECTION',
    status: 'Pending',
    request: {
      connection: { config: opts.connection },
      serviceType: 'Database',
      connectionType: 'Athena',
      serviceName: 'athena_prod',
      secretsManagerProvider: 'db',
      ...opts.request,
    },
    openMetadataServerConnection: {
      clusterName: 'openmetadata',
      type: 'OpenMetadata',
      hostPort: opts.hostPort,
      authProvider: 'openmetadata',
      verifySSL: 'no-ssl',
      securityConfig: { jwtToken: opts.jwt },
      secretsManagerProvider: 'db',
      secretsManagerLoader: 'noop',
      apiVersion: 'v1',
      includeTopics: true,
      enableVersionValidation: true,
    },
    owners: [],
    version: 0.1,
    updatedAt: 1767225600000,
    updatedBy: 'admin',
    deleted: false,
  }
}
