import { stringify } from 'yaml'
import { buildApp } from './app.js'

/**
 * The OpenAPI document as YAML, as /docs/yaml serves it (auth and env do not change it). Objects the document
 * shares (a media schema under two content types, an example under two operations) are written out in full,
 * not as YAML anchors and aliases, which people reading openapi.yaml and some importers trip over.
 */
export async function openApiYaml(): Promise<string> {
  const app = await buildApp({ logStream: false, config: { authTokens: [] } })
  try {
    await app.ready()
    return stringify(app.swagger(), { aliasDuplicateObjects: false })
  } finally {
    await app.close()
  }
}
