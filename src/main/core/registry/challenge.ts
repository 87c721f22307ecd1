// WWW-Authenticate as registries send it (RFC 7235 auth-params; distribution's
// `Bearer realm="…",service="…",scope="…"`). Pure.

export interface Challenge {
  scheme: 'bearer' | 'basic' | string
  params: Record<string, string>
}

/** Parses one header value (possibly several challenges, comma-separated). */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = []
  let i = 0
  const s = header
  const skipWs = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++
  }
  const token = (): string => {
    const start = i
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i]!)) i++
    return s.slice(start, i)
  }
  let current: Challenge | undefined
  while (i < s.length) {
    skipWs()
    const start = i
    const t = token()
    if (!t) {
      i++
      continue
    }
    let j = i
    while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++
    if (s[j] === '=' && current) {
      // auth-param: name=value or name="quoted"
      i = j + 1
      while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++
      let value = ''
      if (s[i] === '"') {
        i++
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++
          value += s[i]
          i++
        }
        i++
      } else value = token()
      current.params[t.toLowerCase()] = value
      // Next is "," then another param or a new scheme.
      while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++
      if (s[i] === ',') i++
      continue
    }
    if (start === i) i++
    current = { scheme: t.toLowerCase(), params: {} }
    out.push(current)
  }
  return out
}

/** The challenge we answer: Bearer first (the token flow), then Basic. */
export function pickChallenge(headers: readonly string[]): Challenge | undefined {
  const all = headers.flatMap(parseWwwAuthenticate)
  return all.find((c) => c.scheme === 'bearer' && c.params.realm) ?? all.find((c) => c.scheme === 'basic')
}

/** The pull scope for a repository (distribution's resource scope grammar). */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`
}
