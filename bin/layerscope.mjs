#!/usr/bin/env node
// `npx layerscope` / the installed bin: runs the built CLI (npm run build makes out/).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  console.error('Layerscope is not built yet: run `npm run build` in its folder first.')
  process.exit(2)
}
await import(pathToFileURL(cli).href)
