// "What would make this image smaller?" from the image alone: bytes of the FINAL filesystem
// that are commonly removable (package caches, docs, build toolchains, caches of language
// tools), plus the hidden copies (waste). Each regular file is matched once, by path
// prefixes and segments (no regex per path), to the first rule in priority order, so a
// byte is never counted twice.
import type { SavingsCandidate, SavingsPath, SavingsSummary } from '../../../shared/models/analysis'
import type { FinalEntry } from './analyzed-image'
import { ROOT, type PathTable } from '../model/path-table'

/** Bump when a rule changes: cached analyses with another version are recomputed. */
export const SAVINGS_VERSION = 1
/** Candidates below this are noise (1 kB, decimal like every size shown). */
export const MIN_CANDIDATE_BYTES = 1000
const TOP_PATHS = 10

interface Rule {
  id: string
  group: SavingsCandidate['group']
  title: string
  fix: string
}

// Priority order: a path matched by several rules counts for the first one only.
export const RULES: readonly Rule[] = [
  { id: 'apt-lists', group: 'cache', title: 'apt package lists (/var/lib/apt/lists)', fix: 'End the RUN that runs `apt-get update` with `rm -rf /var/lib/apt/lists/*`, in the same RUN.' },
  { id: 'apt-cache', group: 'cache', title: 'apt download cache (/var/cache/apt)', fix: 'Run `apt-get clean` (or `rm -rf /var/cache/apt/*`) at the end of the RUN that installs packages.' },
  { id: 'apk-cache', group: 'cache', title: 'apk cache (/var/cache/apk)', fix: 'Use `apk add --no-cache`, or remove /var/cache/apk/* in the same RUN.' },
  { id: 'yum-cache', group: 'cache', title: 'yum/dnf cache (/var/cache/yum, /var/cache/dnf)', fix: 'End the install RUN with `yum clean all` / `dnf clean all` and `rm -rf /var/cache/yum /var/cache/dnf`.' },
  { id: 'pip-cache', group: 'cache', title: 'pip cache (~/.cache/pip)', fix: 'Use `pip install --no-cache-dir` (or set PIP_NO_CACHE_DIR=1).' },
  { id: 'npm-cache', group: 'cache', title: 'npm cache (~/.npm/_cacache)', fix: 'Run `npm cache clean --force` in the same RUN as `npm ci`, or use a cache mount (`RUN --mount=type=cache,target=/root/.npm`).' },
  { id: 'yarn-cache', group: 'cache', title: 'Yarn cache', fix: 'Run `yarn cache clean` in the same RUN as `yarn install`, or use a cache mount.' },
  { id: 'go-build-cache', group: 'cache', title: 'Go build cache (~/.cache/go-build)', fix: 'Build in a separate stage and copy only the binary, or use `RUN --mount=type=cache,target=/root/.cache/go-build`.' },
  { id: 'cargo-registry', group: 'cache', title: 'Cargo registry (~/.cargo/registry)', fix: 'Build in a separate stage and copy only the binary, or use a cache mount for /usr/local/cargo/registry.' },
  { id: 'tmp', group: 'cache', title: 'Temporary files (/tmp, /var/tmp)', fix: 'Delete temporary files in the same RUN that creates them.' },
  { id: 'go-toolchain', group: 'toolchain', title: 'Go toolchain (/usr/local/go, /usr/lib/go)', fix: 'If the image only runs a built program, build in one stage and COPY --from the binary into a small runtime image.' },
  { id: 'c-toolchain', group: 'toolchain', title: 'C/C++ compiler toolchain (gcc, cc, ld, as)', fix: 'If nothing compiles at run time, build in a separate stage and copy only the results; or remove build-essential in the same RUN that used it.' },
  { id: 'headers', group: 'toolchain', title: 'C headers (/usr/include)', fix: 'Headers are only needed to compile: install -dev packages in a build stage, not the runtime image.' },
  { id: 'static-libs', group: 'toolchain', title: 'Static libraries (*.a)', fix: 'Static libraries are only needed to link: keep them in a build stage.' },
  { id: 'git', group: 'language', title: 'Git metadata (.git directories)', fix: 'Add `.git` to .dockerignore, or clone with `--depth 1` and remove `.git` in the same RUN.' },
  { id: 'node-tests', group: 'language', title: 'Tests inside node_modules (test/, tests/, __tests__/)', fix: 'Install with `npm ci --omit=dev` and prune test folders (e.g. `find node_modules -type d -name __tests__ -prune -exec rm -rf {} +`) in the same RUN.' },
  { id: 'source-maps', group: 'language', title: 'Source maps in node_modules (*.map)', fix: 'Remove `*.map` under node_modules in the same RUN that installs them, if you do not debug production stack traces.' },
  { id: 'python-bytecode', group: 'language', title: 'Python bytecode (__pycache__, *.pyc)', fix: 'Set PYTHONDONTWRITEBYTECODE=1 for build steps, or delete __pycache__ in the same RUN; Python rebuilds it when needed.' },
  { id: 'docs', group: 'docs', title: 'Documentation and man pages (/usr/share/doc, man, info)', fix: 'Delete them in the install RUN, or configure dpkg `path-exclude=/usr/share/doc/*` before installing.' },
  { id: 'locales', group: 'docs', title: 'Translations (/usr/share/locale, except C and en)', fix: 'If you do not need other languages, delete /usr/share/locale/* except en* in the install RUN (or dpkg `path-exclude`).' }
]

const R = Object.fromEntries(RULES.map((r, i) => [r.id, i])) as Record<string, number>

export const HIDDEN_RULE: Rule = {
  id: 'hidden',
  group: 'hidden',
  title: 'Shipped but hidden (waste)',
  fix: 'Fix it in the layer that adds the bytes: clean up in the same RUN, or copy less; a later delete or chmod only hides them.'
}

const HOME_RULES: ReadonlyArray<[string, number]> = [
  ['.cache/pip/', R['pip-cache']!],
  ['.npm/_cacache/', R['npm-cache']!],
  ['.cache/yarn/', R['yarn-cache']!],
  ['.cache/go-build/', R['go-build-cache']!],
  ['.cargo/registry/', R['cargo-registry']!]
]

// gcc, g++, cc, ld... also "x86_64-linux-gnu-gcc-12" (target prefix, version suffix).
const COMPILERS = new Set(['gcc', 'g++', 'c++', 'cc', 'cpp', 'ld', 'ld.bfd', 'ld.gold', 'as', 'gcc-ar', 'gcc-nm', 'gcc-ranlib', 'lto-dump'])
const TRIPLET = /^[a-z0-9_]+(?:-[a-z0-9_]+){2,3}$/
const VERSION = /-\d+(?:\.\d+)*$/

function isCompiler(name: string): boolean {
  const bare = name.replace(VERSION, '')
  if (COMPILERS.has(bare)) return true
  for (const c of COMPILERS) if (bare.endsWith(`-${c}`) && TRIPLET.test(bare.slice(0, -c.length - 1))) return true
  return false
}

/** The part of a path below a home directory (/root/x, /home/<user>/x), else null. */
function belowHome(p: string): string | null {
  if (p.startsWith('root/')) return p.slice(5)
  if (p.startsWith('home/')) {
    const i = p.indexOf('/', 5)
    if (i > 5) return p.slice(i + 1)
  }
  return null
}

/** `seg` must be given as "name/" (no allocation per path). */
function hasSegment(p: string, segSlash: string): boolean {
  return p.startsWith(segSlash) || (p.includes(segSlash) && p.includes(`/${segSlash}`))
}

/** A test/tests/__tests__ directory somewhere below a node_modules directory (no split per path). */
function inNodeTests(p: string): boolean {
  const at = p.startsWith('node_modules/') ? 0 : p.indexOf('/node_modules/')
  if (at < 0) return false
  return p.indexOf('/test/', at) >= 0 || p.indexOf('/tests/', at) >= 0 || p.indexOf('/__tests__/', at) >= 0
}

function inOtherLocale(p: string): boolean {
  if (!p.startsWith('usr/share/locale/')) return false
  const rest = p.slice('usr/share/locale/'.length)
  const slash = rest.indexOf('/')
  if (slash < 0) return false // locale.alias and other files at the top stay
  const lang = rest.slice(0, slash)
  return !(lang === 'C' || lang.startsWith('C.') || lang === 'en' || lang.startsWith('en_') || lang.startsWith('en@'))
}

// What a directory alone decides, packed in one number: low 8 bits = 1 + index of the first
// rule the directory matches (0 = none); flags for the rules that also need the file name.
const D_RULE = 0xff
const D_LIB = 1 << 8 // below a lib folder: *.a are static libraries
const D_NODE = 1 << 9 // below node_modules: *.map are source maps
const D_USRBIN = 1 << 10 // directly in /usr/bin: compilers by name

/** Facts about a directory given as "usr/lib/" (with the trailing slash; "" = the root). */
function dirInfo(d: string): number {
  let flags = 0
  if (d.startsWith('lib/') || d.startsWith('lib64/') || d.startsWith('usr/lib') || d.includes('/lib/') || d.includes('/lib64/')) flags |= D_LIB
  if (d.startsWith('node_modules/') || d.includes('/node_modules/')) flags |= D_NODE
  if (d === 'usr/bin/') flags |= D_USRBIN
  return flags | (dirRule(d, flags) + 1)
}

function dirRule(d: string, flags: number): number {
  switch (d.charCodeAt(0)) {
    case 118: // v
      if (d.startsWith('var/lib/apt/lists/')) return R['apt-lists']!
      if (d.startsWith('var/cache/apt/')) return R['apt-cache']!
      if (d.startsWith('var/cache/apk/')) return R['apk-cache']!
      if (d.startsWith('var/cache/yum/') || d.startsWith('var/cache/dnf/')) return R['yum-cache']!
      if (d.startsWith('var/tmp/')) return R.tmp!
      break
    case 114: // r
    case 104: {
      // h
      const rest = belowHome(d)
      if (rest !== null) for (const [pre, r] of HOME_RULES) if (rest.startsWith(pre)) return r
      break
    }
    case 116: // t
      if (d.startsWith('tmp/')) return R.tmp!
      break
    case 117: // u
      if (d.startsWith('usr/local/share/.cache/yarn/')) return R['yarn-cache']!
      if (d.startsWith('usr/local/go/') || d.startsWith('usr/lib/go/') || d.startsWith('usr/lib/go-')) return R['go-toolchain']!
      if (d.startsWith('usr/lib/gcc/') || d.startsWith('usr/libexec/gcc/')) return R['c-toolchain']!
      if (d.startsWith('usr/include/') || d.startsWith('usr/local/include/')) return R.headers!
      break
  }
  if (hasSegment(d, '.git/')) return R.git!
  if (flags & D_NODE && inNodeTests(d)) return R['node-tests']!
  if (hasSegment(d, '__pycache__/')) return R['python-bytecode']!
  if (d.startsWith('usr/share/')) {
    if (d.startsWith('usr/share/doc/') || d.startsWith('usr/share/man/') || d.startsWith('usr/share/info/')) return R.docs!
    if (inOtherLocale(d)) return R.locales!
  }
  if (d.startsWith('usr/local/share/doc/') || d.startsWith('usr/local/share/man/')) return R.docs!
  return -1
}

/** The first rule for a file given its directory's facts: the name can only add an earlier rule. */
function fileRule(info: number, p: string, nameStart: number): number {
  let r = (info & D_RULE) - 1
  const nameLen = p.length - nameStart
  let n = -1
  if (info & D_USRBIN && isCompiler(p.slice(nameStart))) n = R['c-toolchain']!
  else if (info & D_LIB && nameLen > 2 && p.endsWith('.a')) n = R['static-libs']!
  else if (info & D_NODE && nameLen > 4 && p.endsWith('.map')) n = R['source-maps']!
  else if (nameLen > 4 && (p.endsWith('.pyc') || p.endsWith('.pyo'))) n = R['python-bytecode']!
  if (n >= 0 && (r < 0 || n < r)) r = n
  return r
}

/**
 * Index in RULES of the first rule matching a regular file's normalised path ("usr/x"), or -1.
 * Cheap: a handful of startsWith/includes checks per directory; regexes only for names in usr/bin.
 */
export function classifyPath(p: string): number {
  const slash = p.lastIndexOf('/')
  return fileRule(dirInfo(p.slice(0, slash + 1)), p, slash + 1)
}

/** Bytes, files, top paths and per-layer sums of one candidate, filled as files pass by. */
class Tally {
  bytes = 0
  files = 0
  top: SavingsPath[] = []
  layers = new Map<number, { bytes: number; files: number }>()

  add(path: string, bytes: number, layer: number): void {
    this.bytes += bytes
    this.files++
    const l = this.layers.get(layer)
    if (l) {
      l.bytes += bytes
      l.files++
    } else this.layers.set(layer, { bytes, files: 1 })
    const t = this.top
    if (t.length === TOP_PATHS && bytes <= t[t.length - 1]!.bytes) return
    // Insertion into a 10-long sorted list: cheaper than sorting all matches at the end.
    let i = t.length
    while (i > 0 && t[i - 1]!.bytes < bytes) i--
    t.splice(i, 0, { path: `/${path}`, bytes, layerIndex: layer })
    if (t.length > TOP_PATHS) t.pop()
  }

  candidate(rule: Rule): SavingsCandidate {
    const layers = [...this.layers].map(([layerIndex, v]) => ({ layerIndex, bytes: v.bytes, files: v.files }))
    layers.sort((a, b) => b.bytes - a.bytes || a.layerIndex - b.layerIndex)
    return { id: rule.id, group: rule.group, title: rule.title, fix: rule.fix, bytes: this.bytes, files: this.files, paths: this.top, layers }
  }
}

/** The hidden copies (waste), already measured by the stack. */
export interface HiddenInput {
  bytes: number
  files: number
  /** Largest first (at most 10 are kept). */
  paths: SavingsPath[]
  layers: Array<{ layerIndex: number; bytes: number; files: number }>
}

/** Collects savings one regular file at a time (the caller walks the final filesystem once). */
export class SavingsCollector {
  private tallies: (Tally | undefined)[] = []
  // Files come grouped by directory (tar order, path ids): the directory's facts are reused
  // while the next path is in the same one, so most files cost a startsWith and an indexOf.
  private lastDir = '\u0000'
  private lastInfo = 0

  /** A regular file of the final filesystem: normalised path, size, layer that wrote it. */
  addFile(path: string, size: number, layer: number): void {
    const slash = path.lastIndexOf('/')
    const d = this.lastDir
    if (!(d.length === slash + 1 && path.startsWith(d))) {
      this.lastParent = -1
      this.lastDir = path.slice(0, slash + 1)
      this.lastInfo = dirInfo(this.lastDir)
    }
    const r = fileRule(this.lastInfo, path, slash + 1)
    if (r < 0) return
    ;(this.tallies[r] ??= new Tally()).add(path, size, layer)
  }

  private lastParent = -1

  /**
   * addFile for path `id` of `paths`: the directory's facts are taken once per parent id and
   * the path string is built only for files a rule matches (at 100k files, a string per file
   * was most of this pass).
   */
  addPathId(paths: PathTable, id: number, size: number, layer: number): void {
    const parent = paths.parent(id)
    if (parent !== this.lastParent) {
      this.lastParent = parent
      this.lastDir = parent === ROOT ? '' : `${paths.path(parent)}/`
      this.lastInfo = dirInfo(this.lastDir)
    }
    const name = paths.name(id)
    // The rules read only the name part (from nameStart): the name alone is the same input.
    const r = fileRule(this.lastInfo, name, 0)
    if (r < 0) return
    ;(this.tallies[r] ??= new Tally()).add(this.lastDir + name, size, layer)
  }

  finish(layerBytes: number, hidden?: HiddenInput): SavingsSummary {
    const candidates: SavingsCandidate[] = []
    this.tallies.forEach((t, r) => {
      if (t) candidates.push(t.candidate(RULES[r]!))
    })
    if (hidden && hidden.bytes > 0) {
      const layers = [...hidden.layers].sort((a, b) => b.bytes - a.bytes || a.layerIndex - b.layerIndex)
      candidates.push({ ...HIDDEN_RULE, bytes: hidden.bytes, files: hidden.files, paths: hidden.paths.slice(0, TOP_PATHS), layers })
    }
    const kept = candidates.filter((c) => c.bytes >= MIN_CANDIDATE_BYTES)
    kept.sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id))
    let bytes = 0
    let files = 0
    for (const c of kept) {
      bytes += c.bytes
      files += c.files
    }
    return { version: SAVINGS_VERSION, candidates: kept, bytes, files, afterBytes: Math.max(0, layerBytes - bytes) }
  }
}

/** Savings of a final filesystem given as entries (regular files count; dirs and links carry no bytes). */
export function computeSavings(entries: Iterable<FinalEntry>, layerBytes: number, hidden?: HiddenInput): SavingsSummary {
  const c = new SavingsCollector()
  for (const e of entries) if (e.kind === 'file') c.addFile(e.path, e.size, e.layer)
  return c.finish(layerBytes, hidden)
}
