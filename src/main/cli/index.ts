#!/usr/bin/env node
// The CLI front: every command calls the same backend the app uses.
import { Command } from 'commander'
import { VERSION } from './context'
import { registerImages } from './commands/images'
import { registerServe } from './commands/serve'
import { registerAnalyze } from './commands/analyze'
import { registerCompare } from './commands/compare'
import { registerDockerfile } from './commands/dockerfile'
import { registerReport } from './commands/report'
import { registerTags } from './commands/tags'
import { registerFiles } from './commands/files'
import { registerHistory } from './commands/history'

const program = new Command()
program
  .name('layerscope')
  .description("See where a container image's bytes go.")
  .version(VERSION)
  .option('--cache-dir <dir>', 'layer cache folder (default: $XDG_CACHE_HOME/layerscope)')
  .option('--insecure-registry <host>', 'allow plain HTTP / unverified TLS for this registry host[:port] (repeatable; loopback needs none)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .showHelpAfterError()

registerImages(program)
registerServe(program)
registerAnalyze(program)
registerCompare(program)
registerDockerfile(program)
registerReport(program)
registerTags(program)
registerFiles(program)
registerHistory(program)

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(2)
})
