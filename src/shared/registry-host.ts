// A registry host as image references write it (HOST[:PORT]), shared by the reference parser
// (core/model/reference.ts) and the settings that name registries.
// The pattern is distribution/reference's domainAndPort (regexp.go).
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]'
/** HOST[:PORT] as the reference grammar writes a registry (the reference parser builds on it). */
export const DOMAIN_AND_PORT = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|${ipv6address})(?::[0-9]+)?`
const DOMAIN_AND_PORT_RE = new RegExp(`^${DOMAIN_AND_PORT}$`)

/** Why `input` is not a registry HOST[:PORT], in words; undefined when it is one. */
export function registryHostProblem(input: string): string | undefined {
  const s = input.trim()
  if (s === '') return 'A registry host is empty: write HOST or HOST:PORT, e.g. registry.lan:5000.'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return `"${s}" has a scheme: write the host only, e.g. ${s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '')}.`
  if (s.includes('/')) return `"${s}" has a path: write the registry host only (HOST or HOST:PORT), e.g. ${s.slice(0, s.indexOf('/'))}.`
  if (!DOMAIN_AND_PORT_RE.test(s)) return `"${s}" is not a registry host: write HOST or HOST:PORT (letters, digits, dots and dashes, or an [IPv6] address).`
  const port = /:(\d+)$/.exec(s)?.[1]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `"${s}" has port ${port}: a port is 1 to 65535.`
  return undefined
}

