// `npm run openapi`: rewrites openapi.yaml from the routes' TypeBox schemas (the document /docs serves).
import { writeFileSync } from 'node:fs'
import { openApiYaml } from '../src/openapi-document.js'

const path = new URL('../../openapi.yaml', import.meta.url)
writeFileSync(path, await openApiYaml())
console.log(`wrote ${path.pathname}`)
