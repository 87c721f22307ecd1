import type { Command } from 'commander'
import { parseBytes } from '../../core/report/rules'
import { startServer } from '../../serve/server'
import { DEFAULT_MAX_UPLOAD } from '../../serve/uploads'
import { builtRendererDir, cliBackend, type CliGlobals } from '../context'

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the Layerscope app to a browser on 127.0.0.1 (same renderer and API as the desktop app).')
    .option('-p, --port <port>', 'port to listen on (0 = a random free port)', '0')
    .option('--renderer-dir <dir>', 'built renderer to serve (default: out/renderer beside this CLI)')
    .option('--max-upload <size>', `largest archive a browser tab may upload (e.g. 20GB, 512MiB; default ${DEFAULT_MAX_UPLOAD / 1024 ** 3}GiB)`)
    .action(async (opts: { port: string; rendererDir?: string; maxUpload?: string }) => {
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be a number from 0 to 65535, not "${opts.port}".`)
      }
      const maxUploadBytes = opts.maxUpload === undefined ? undefined : parseBytes(opts.maxUpload)
      if (maxUploadBytes === undefined && opts.maxUpload !== undefined) {
        throw new Error(`--max-upload must be a size like 20GB, 512MiB or a number of bytes, not "${opts.maxUpload}".`)
      }
      const globals = program.opts<CliGlobals>()
      const backend = cliBackend(globals, 'browser')
      const rendererDir = opts.rendererDir ?? builtRendererDir()
      if (!rendererDir) throw new Error('The app is not built: run `npm run build` first (or pass --renderer-dir).')
      // Uploads are removed on close and, failing that, when the process exits.
      const running = await startServer({ backend, rendererDir, port, maxUploadBytes })
      console.log(`Layerscope is serving at ${running.url}`)
      console.log('Open that URL in a browser (it carries the access token). Press Ctrl-C to stop.')
      const stop = (): void => {
        void running.close().then(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
