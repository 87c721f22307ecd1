// Benchmarks measure their work in a child process bundled to one plain JS file (as the app
// ships), so tsx's own memory and start-up are not measured. One bundler for every bench.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Bundles scripts/bench/<name>.ts into dir/<name>.mjs and returns its path. */
export async function bundleChild(name: string, dir: string): Promise<string> {
  const { build } = await import('esbuild')
  const out = join(dir, `${name}.mjs`)
  await build({
    entryPoints: [fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    packages: 'external',
    logLevel: 'error'
  })
  return out
}
