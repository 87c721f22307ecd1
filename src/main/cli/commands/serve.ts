import type { Command } from 'commander'
import { startServer } from '../../serve/server'
import { builtRendererDir, cliBackend, type CliGlobals } from '../context'

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the Layerscope app to a browser on 127.0.0.1 (same renderer and API as the desktop app).')
    .option('-p, --port <port>', 'port to listen on (0 = a random free port)', '0')
    .option('--renderer-dir <dir>', 'built renderer to serve (default: out/renderer beside this CLI)')
    .action(async (opts: { port: string; rendererDir?: string }) => {
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be a number from 0 to 65535, not "${opts.port}".`)
      }
      const globals = program.opts<CliGlobals>()
      const backend = cliBackend(globals, 'browser')
      const rendererDir = opts.rendererDir ?? builtRendererDir()
      if (!rendererDir) throw new Error('The app is not built: run `npm run build` first (or pass --renderer-dir).')
      const running = await startServer({ backend, rendererDir, port })
      console.log(`Layerscope is serving at ${running.url}`)
      console.log('Open that URL in a browser (it carries the access token). Press Ctrl-C to stop.')
      const stop = (): void => {
        void running.close().then(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
