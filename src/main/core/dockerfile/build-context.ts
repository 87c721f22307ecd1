// What `docker build` would send: bytes and files with and without .dockerignore, the biggest
// included paths, secrets on their way to the daemon, and a .dockerignore that would stop them.
import ignore from '@balena/dockerignore'
import { open } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { BuildContextReport } from '../../../shared/models/dockerfile'
import { formatBytes } from '../../../shared/format'
import { checkContextSources, type ContextUse } from './context-sources'
import { ContextFilter, listContext, readDockerignore, sumFiles, type ContextEntry } from './context-walk'

export interface ContextScan {
  report: BuildContextReport
  /** Every entry (for advice: what `COPY . .` brings in). */
  entries: ContextEntry[]
  /** What is sent with the current .dockerignore. */
  sent: ContextEntry[]
}

const KEY_NAMES = /^(id_rsa|id_dsa|id_ecdsa|id_ed25519)$/
const KEY_EXT = /\.(pem|key|p12|pfx)$/i
const ENV_FILE = /^\.env(\..+)?$/
const ENV_EXAMPLE = /^\.env\.(example|sample|template|dist)$/i

async function head(path: string, bytes = 4096): Promise<string> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const { bytesRead } = await fh.read(buf, 0, bytes, 0)
    return buf.subarray(0, bytesRead).toString('utf8')
  } catch {
    return ''
  } finally {
    await fh.close()
  }
}

/** Secrets among the sent entries: a path and why it matters. */
export async function findSecrets(root: string, sent: ContextEntry[]): Promise<BuildContextReport['secrets']> {
  const out: BuildContextReport['secrets'] = []
  const gitDirs = new Map<string, number>()
  for (const e of sent) {
    const gitAt = e.rel.split('/').indexOf('.git')
    if (gitAt >= 0) {
      const dir = e.rel.split('/').slice(0, gitAt + 1).join('/')
      gitDirs.set(dir, (gitDirs.get(dir) ?? 0) + e.size)
      continue
    }
    if (e.type !== 'file') continue
    const name = basename(e.rel)
    if (ENV_FILE.test(name) && !ENV_EXAMPLE.test(name)) {
      out.push({ path: e.rel, reason: 'Environment file: usually holds passwords and API keys.', bytes: e.size })
    } else if (KEY_NAMES.test(name)) {
      out.push({ path: e.rel, reason: 'SSH private key.', bytes: e.size })
    } else if (KEY_EXT.test(name)) {
      // .pem/.crt may be a public certificate: only keys are secrets.
      const text = /\.(p12|pfx)$/i.test(name) ? 'PRIVATE KEY' : await head(join(root, e.rel))
      if (text.includes('PRIVATE KEY') || /\.key$/i.test(name)) out.push({ path: e.rel, reason: 'Private key.', bytes: e.size })
    } else if (name === '.npmrc' || name === '.yarnrc.yml' || name === '.pypirc' || name === '.netrc' || name === '.git-credentials') {
      const text = await head(join(root, e.rel), 65536)
      if (/(_authToken|_auth|_password|npmAuthToken|password|token)\s*[=:]/i.test(text)) {
        out.push({ path: e.rel, reason: `${name} with a registry token or password.`, bytes: e.size })
      }
    } else if (/(^|\/)\.aws\/credentials$/.test(e.rel) || /(^|\/)\.docker\/config\.json$/.test(e.rel)) {
      out.push({ path: e.rel, reason: 'Cloud or registry credentials.', bytes: e.size })
    }
  }
  for (const [dir, bytes] of gitDirs) {
    out.push({ path: dir, reason: 'Git history: every past version of every file, including removed secrets.', bytes })
  }
  return out.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
}

/** Largest included paths, rolled up to the first folder level. */
export function largestPaths(sent: ContextEntry[], limit = 12): BuildContextReport['largest'] {
  const roll = new Map<string, { bytes: number; files: number; dir: boolean }>()
  for (const e of sent) {
    if (e.type !== 'file') continue
    const slash = e.rel.indexOf('/')
    const key = slash < 0 ? e.rel : e.rel.slice(0, slash)
    const r = roll.get(key) ?? { bytes: 0, files: 0, dir: slash >= 0 }
    r.bytes += e.size
    r.files++
    roll.set(key, r)
  }
  return [...roll.entries()]
    .map(([path, r]) => ({ path: r.dir ? `${path}/` : path, bytes: r.bytes, files: r.files }))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, limit)
}

/** Patterns worth adding for what is actually in this context. */
export function suggestIgnore(
  sent: ContextEntry[],
  existing: string[] | null,
  secrets: BuildContextReport['secrets'],
  /** Paths the Dockerfile COPYs by name: never suggest leaving those out. */
  keep: string[] = [],
  /** Big sent files nothing in the Dockerfile uses (context-sources.ts): worth leaving out. */
  unused: { path: string; bytes: number }[] = []
): string {
  const needed = keep.map((k) => k.replace(/^\.?\/+/, '').replace(/\/+$/, '')).filter((k) => k !== '' && k !== '.' && !/[*?[]/.test(k))
  const have = new Set(existing ?? [])
  const names = new Set<string>()
  const topNames = new Set<string>()
  for (const e of sent) {
    const parts = e.rel.split('/')
    for (const p of parts) names.add(p)
    topNames.add(parts[0]!)
  }
  const add: [string, string][] = []
  const want = (pattern: string, why: string, when: boolean): void => {
    if (!when || have.has(pattern)) return
    const probe = ignore().add([pattern])
    if (needed.some((k) => probe.ignores(k))) return
    add.push([pattern, why])
  }
  want('.git', 'version control history', names.has('.git'))
  want('**/node_modules', 'installed inside the image from the lockfile', names.has('node_modules'))
  want('**/__pycache__', 'Python bytecode', names.has('__pycache__'))
  want('**/.venv', 'local virtualenv', names.has('.venv'))
  const envs = [...names].filter((n) => ENV_FILE.test(n))
  want('**/.env', 'secrets', envs.includes('.env'))
  want('**/.env.*', 'secrets', envs.some((n) => n !== '.env'))
  want('!**/.env.example', 're-include the harmless example', envs.some((n) => ENV_EXAMPLE.test(n)))
  for (const s of secrets) {
    if (s.path.endsWith('.git')) continue
    if (!envs.includes(basename(s.path))) want(s.path, s.reason.replace(/\.$/, '').toLowerCase(), true)
  }
  want('**/*.log', 'logs', [...names].some((n) => n.endsWith('.log')))
  want('coverage', 'test coverage output', topNames.has('coverage'))
  want('.nyc_output', 'test coverage output', topNames.has('.nyc_output'))
  want('.vscode', 'editor settings', topNames.has('.vscode'))
  want('.idea', 'editor settings', topNames.has('.idea'))
  want('**/.DS_Store', 'Finder metadata', names.has('.DS_Store'))
  for (const u of unused) want(u.path, `${formatBytes(u.bytes)}, no COPY or ADD uses it`, true)
  const lines: string[] = []
  if (existing && existing.length > 0) {
    lines.push('# your current .dockerignore', ...existing, '')
  }
  if (add.length > 0) {
    lines.push('# suggested by Layerscope')
    for (const [p, why] of add) lines.push(`${p.padEnd(22)}# ${why}`.trimEnd())
  } else {
    lines.push(existing && existing.length > 0 ? '# nothing more to leave out' : '# nothing obvious to leave out')
  }
  return lines.join('\n') + '\n'
}

/** Patterns of a suggested .dockerignore text (comments after patterns stripped). */
function patternsOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

export async function scanBuildContext(
  contextDir: string,
  opts: { dockerfileRel?: string; signal?: AbortSignal; copySources?: string[]; uses?: ContextUse[] } = {}
): Promise<ContextScan> {
  const entries = await listContext(contextDir, opts.signal)
  const patterns = await readDockerignore(contextDir)
  const filter = new ContextFilter(patterns ?? [], opts.dockerfileRel)
  const sent = filter.select(entries)
  const secrets = await findSecrets(contextDir, sent)
  const warnings = opts.uses ? checkContextSources(opts.uses, { entries, sent, dockerfileRel: opts.dockerfileRel }) : undefined
  const suggestedDockerignore = suggestIgnore(sent, patterns, secrets, opts.copySources, warnings?.unused)
  const suggested = new ContextFilter(patternsOf(suggestedDockerignore), opts.dockerfileRel).select(entries)
  return {
    entries,
    sent,
    report: {
      dir: contextDir,
      all: sumFiles(entries),
      sent: sumFiles(sent),
      hasDockerignore: patterns !== null,
      largest: largestPaths(sent),
      secrets,
      suggestedDockerignore,
      suggestedSent: sumFiles(suggested),
      symlinks: sent.filter((e) => e.type === 'symlink').length,
      ...(warnings ? { warnings } : {})
    }
  }
}
