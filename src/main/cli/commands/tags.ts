import type { Command } from 'commander'
import { LayerscopeError } from '../../core/errors'
import { RegistryClient, familiarReference, formatReference, isRegistrySource, parseImageReference, parseRegistrySource, type ImageReference } from '../../core/registry'
import { collect, runCli } from '../context'

interface TagsOptions {
  json?: boolean
  insecureRegistry: string[]
}

/** `layerscope tags registry://HOST/REPO`: a repository's tags, straight from the registry. */
export function registerTags(program: Command): void {
  program
    .command('tags')
    .argument('<repository>', 'registry://HOST[:PORT]/REPO (Docker Hub short forms too: registry://nginx)')
    .description("List a repository's tags from its registry (/v2/<name>/tags/list, every page). Uses docker's and podman's saved logins.")
    .option('--json', 'print JSON: { repository, tags }')
    .option('--insecure-registry <host>', 'allow plain HTTP (and unverified TLS) for this registry host[:port] (repeatable; loopback registries always may)', collect, [])
    .addHelpText('after', '\nExamples:\n  layerscope tags registry://127.0.0.1:5000/myapp\n  layerscope tags registry://nginx --json\n')
    .action(async (arg: string, opts: TagsOptions) =>
      runCli(async (signal) => {
        const repo = parseRepository(arg)
        const client = new RegistryClient({ insecureRegistries: opts.insecureRegistry })
        try {
          const tags = await client.listTags(repo, { signal })
          if (opts.json) process.stdout.write(`${JSON.stringify({ repository: `${repo.domain}/${repo.repository}`, tags }, null, 2)}\n`)
          else process.stdout.write(tags.map((t) => `${t}\n`).join(''))
        } finally {
          client.close()
        }
      }, 'tags')
    )
}

/** A repository (no tag, no digest): `registry://HOST/REPO`, or a bare name as docker writes it. */
export function parseRepository(arg: string): ImageReference {
  const ref = isRegistrySource(arg) ? parseRegistrySource(arg) : parseImageReference(arg)
  const bare = arg.replace(/^registry:\/\//i, '')
  const last = bare.slice(bare.lastIndexOf('/') + 1)
  if (ref.digest || last.includes(':')) {
    const repo = { ...ref, tag: undefined, digest: undefined }
    throw new LayerscopeError(
      'INVALID_INPUT',
      `"${arg}" names an image (${familiarReference(ref)}); tags lists a repository: write registry://${formatReference(repo).replace(/^docker\.io\/(library\/)?/, '')}.`
    )
  }
  return ref
}
