// Image references as Docker reads them: the grammar of github.com/distribution/reference
// (regexp.go) with Docker's normalisation (normalize.go: `nginx` -> docker.io/library/nginx),
// plus Layerscope's source form `registry://HOST[:PORT]/REPO[:TAG|@DIGEST]`.
// Pure: no I/O. Every refusal is INVALID_INPUT saying what is wrong.
import { DOMAIN_AND_PORT } from '../../../shared/registry-host'
import { LayerscopeError } from '../errors'

export const REGISTRY_SCHEME = 'registry://'
/** Docker Hub as references name it, and the host its API answers on. */
export const DOCKER_HUB_DOMAIN = 'docker.io'
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'
const LEGACY_HUB_DOMAIN = 'index.docker.io'
const DEFAULT_TAG = 'latest'
/** distribution/reference NameTotalLengthMax. */
export const NAME_TOTAL_LENGTH_MAX = 255
/** Longer input is refused before any pattern runs (bounded work whatever the input). */
const INPUT_MAX = 4096

export interface ImageReference {
  /** The registry as the reference names it, normalised: `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  domain: string
  /** host[:port] the registry API answers on: Docker Hub's is registry-1.docker.io. */
  apiHost: string
  /** The repository path inside the registry: `library/nginx`, `team/app`. Always lower case. */
  repository: string
  /** The tag, `latest` when neither a tag nor a digest was given. */
  tag?: string
  /** `sha256:<64 hex>` when the reference pins a digest (it wins over a tag, as in docker). */
  digest?: string
}

// distribution/reference regexp.go, verbatim in JS syntax.
const alphanumeric = '[a-z0-9]+'
const separator = '(?:[._]|__|[-]+)'
const tagPat = '[\\w][\\w.-]{0,127}'
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}'
// domainAndPort is the settings' host rule too: one copy, in src/shared.
const domainAndPort = DOMAIN_AND_PORT
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`
const remoteName = `${pathComponent}(?:/${pathComponent})*`
const namePat = `(?:${domainAndPort}/)?${remoteName}`

const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`)
const ANCHORED_NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`)
const DOMAIN_RE = new RegExp(`^${domainAndPort}$`)
const PATH_COMPONENT_RE = new RegExp(`^${pathComponent}$`)
const TAG_RE = new RegExp(`^${tagPat}$`)
const DIGEST_RE = new RegExp(`^${digestPat}$`)
const IDENTIFIER_RE = /^[a-f0-9]{64}$/
const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//

function invalid(input: string, why: string): LayerscopeError {
  return new LayerscopeError('INVALID_INPUT', `"${input}" is not an image reference: ${why}.`, { reference: input })
}

/** The digest's own rules (opencontainers/go-digest): sha256 is exactly 64 lower-case hex. */
function checkDigest(input: string, digest: string): void {
  const [algorithm, hex = ''] = digest.split(':')
  if (algorithm === 'sha256' && !/^[a-f0-9]{64}$/.test(hex)) throw invalid(input, `a sha256 digest is 64 lower-case hex digits (got ${hex.length})`)
  if (algorithm === 'sha512' && !/^[a-f0-9]{128}$/.test(hex)) throw invalid(input, `a sha512 digest is 128 lower-case hex digits (got ${hex.length})`)
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw invalid(input, `unsupported digest algorithm "${algorithm}" (sha256 or sha512)`)
}

/** Says which part of a reference breaks the grammar, for a message a person can act on. */
function explain(input: string, s: string): LayerscopeError {
  let rest = s
  const at = rest.indexOf('@')
  if (at >= 0) {
    const digest = rest.slice(at + 1)
    if (!DIGEST_RE.test(digest)) return invalid(input, `"@${digest}" is not a digest (write @sha256:<64 hex digits>)`)
    rest = rest.slice(0, at)
  }
  const slash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > slash) {
    const tag = rest.slice(colon + 1)
    if (!TAG_RE.test(tag)) return invalid(input, `"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`)
    rest = rest.slice(0, colon)
  }
  if (rest === '') return invalid(input, 'the repository name is empty')
  const parts = rest.split('/')
  const first = parts[0]!
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)
  if (hasDomain && !DOMAIN_RE.test(first)) return invalid(input, `"${first}" is not a valid registry host[:port]`)
  for (const p of hasDomain ? parts.slice(1) : parts) {
    if (p === '') return invalid(input, 'a repository path has an empty component (a doubled or trailing "/")')
    if (p.toLowerCase() !== p) return invalid(input, `the repository name must be lower case ("${p}")`)
    if (!PATH_COMPONENT_RE.test(p)) return invalid(input, `"${p}" is not a valid repository path component (lower-case letters and digits, separated by ".", "_", "__" or "-")`)
  }
  return invalid(input, 'invalid reference format')
}

/**
 * Parses an image reference the way `docker pull` does (ParseDockerRef): Docker Hub short
 * forms are expanded (`nginx:1.27` -> docker.io/library/nginx:1.27), the tag defaults to
 * `latest` when there is no digest.
 */
export function parseImageReference(input: string): ImageReference {
  if (input.length > INPUT_MAX) throw invalid(input.slice(0, 64) + '…', `longer than ${INPUT_MAX} characters`)
  const s = input.trim()
  if (s === '') throw invalid(input, 'it is empty')
  const scheme = SCHEME_RE.exec(s)
  if (scheme) {
    const rest = s.slice(scheme[0].length)
    if (scheme[1]!.toLowerCase() === 'registry') return parseImageReference(rest)
    throw invalid(input, `a reference has no scheme; for a registry write ${REGISTRY_SCHEME}${rest.replace(/\/+$/, '')}`)
  }
  if (/\s/.test(s)) throw invalid(input, 'it contains white space')
  if (IDENTIFIER_RE.test(s)) throw invalid(input, 'a 64-hex-digit string is an image ID, not a repository name')

  // splitDockerDomain: the first component is a registry when it has "." or ":", is
  // "localhost", or has upper case; otherwise the reference is on Docker Hub.
  const i = s.indexOf('/')
  const first = i < 0 ? '' : s.slice(0, i)
  let domain: string
  let remainder: string
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DOCKER_HUB_DOMAIN
    remainder = s
  } else {
    domain = first
    remainder = s.slice(i + 1)
  }
  if (domain === LEGACY_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`

  const full = `${domain}/${remainder}`
  const m = REFERENCE_RE.exec(full)
  if (!m) throw explain(input, full)
  const name = m[1]!
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw invalid(input, `the repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`)
  const nm = ANCHORED_NAME_RE.exec(name)
  if (!nm || nm[1] !== domain) throw explain(input, full)
  const repository = nm[2]!
  const digest = m[3]
  if (digest) checkDigest(input, digest)
  const tag = m[2] ?? (digest ? undefined : DEFAULT_TAG)
  return {
    domain,
    apiHost: domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : domain,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest ? { digest } : {})
  }
}

/** True for `registry://…` (the source form; the scheme is case-insensitive). */
export function isRegistrySource(input: string): boolean {
  return input.slice(0, REGISTRY_SCHEME.length).toLowerCase() === REGISTRY_SCHEME
}

/** Parses the source form `registry://HOST[:PORT]/REPO[:TAG|@DIGEST]` (Docker Hub short forms too). */
export function parseRegistrySource(input: string): ImageReference {
  if (!isRegistrySource(input)) throw invalid(input, `a registry source starts with ${REGISTRY_SCHEME} (e.g. ${REGISTRY_SCHEME}127.0.0.1:5000/app:1)`)
  return parseImageReference(input.slice(REGISTRY_SCHEME.length))
}

/** What the registry API is asked for: the digest when pinned, else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG
}

/** The full name `domain/repository[:tag][@digest]` (docker's String()). */
export function formatReference(ref: ImageReference): string {
  return `${ref.domain}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`
}

/** The short form docker shows (FamiliarString): Docker Hub's `library/` and domain dropped. */
export function familiarReference(ref: ImageReference): string {
  let name = `${ref.domain}/${ref.repository}`
  if (ref.domain === DOCKER_HUB_DOMAIN) name = ref.repository.startsWith('library/') && ref.repository.split('/').length === 2 ? ref.repository.slice(8) : ref.repository
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`
}

/** The same repository with another tag (tags list -> a reference per tag). */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  if (!TAG_RE.test(tag)) throw invalid(tag, 'not a valid tag')
  return { domain: ref.domain, apiHost: ref.apiHost, repository: ref.repository, tag }
}

/**
 * An engine image argument as `docker image inspect` takes it: an image ID (`sha256:<hex>`,
 * or a hex prefix of at least 4 digits, as docker's short IDs) or a reference that passes the
 * grammar. Returns the argument trimmed; anything else is INVALID_INPUT saying why, so it
 * never reaches the engine (a URL, white space, upper case in a repository).
 */
export function checkEngineImageArg(input: string): string {
  const s = input.trim()
  if (/^sha256:[a-f0-9]{64}$/.test(s) || /^[a-f0-9]{4,64}$/.test(s)) return s
  parseImageReference(s)
  return s
}
