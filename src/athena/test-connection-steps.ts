/**
 * The steps of OpenMetadata's Athena test connection, in order, with their semantics
 * (openmetadata-service …/testConnections/database/athena.json; a test keeps this in step with the spec).
 */
export interface StepDefinition {
  name: 'CheckAccess' | 'GetSchemas' | 'GetTables' | 'GetViews'
  description: string
  errorMessage: string
  mandatory: boolean
  shortCircuit: boolean
}

export const ATHENA_TEST_STEPS: readonly StepDefinition[] = [
  {
    name: 'CheckAccess',
    description: 'Validate that we can properly reach the database and authenticate with the given credentials.',
    errorMessage: 'Failed to connect to athena, please validate the credentials',
    mandatory: true,
    shortCircuit: true,
  },
  {
    name: 'GetSchemas',
    description: 'List all the schemas available to the user.',
    errorMessage: 'Failed to fetch schemas, please validate if the user has enough privilege to fetch schemas.',
    mandatory: true,
    shortCircuit: false,
  },
  {
    name: 'GetTables',
    description: "From a given schema, list the tables belonging to that schema. If no schema is specified, we'll list the tables of a random schema.",
    errorMessage: 'Failed to fetch tables, please validate if the user has enough privilege to fetch tables.',
    mandatory: true,
    shortCircuit: false,
  },
  {
    name: 'GetViews',
    description: "From a given schema, list the views belonging to that schema. If no schema is specified, we'll list the tables of a random schema.",
    errorMessage: 'Failed to fetch views, please validate if the user has enough privilege to fetch views.',
    mandatory: false,
    shortCircuit: false,
  },
]
