import { buildApp } from './app.js'

/** The OpenAPI document as YAML, exactly as /docs serves it (auth and env do not change it). */
export async function openApiYaml(): Promise<string> {
  const app = await buildApp({ logStream: false, config: { authTokens: [] } })
  try {
    await app.ready()
    return app.swagger({ yaml: true })
  } finally {
    await app.close()
  }
}
