// The settings schema: hosts as the reference grammar writes them, refused in words otherwise.
import { describe, expect, it } from 'vitest'
import { REQUESTS, describeIssue } from './requests'
import { MAX_INSECURE_REGISTRIES, appSettings } from './settings'

const set = REQUESTS['settings:set']
const refusal = (insecureRegistries: unknown): string => {
  const r = set.safeParse({ insecureRegistries })
  if (r.success) throw new Error(`accepted ${JSON.stringify(insecureRegistries)}`)
  return describeIssue('settings:set', r.error)
}

describe('settings:set', () => {
  it('takes HOST, HOST:PORT and [IPv6]:PORT; trims, lower-cases and drops repeats', () => {
    expect(set.parse({ insecureRegistries: [' Registry.LAN:5000 ', 'registry.lan:5000', 'build', '[fd00::1]:5000', '10.0.0.7'] })).toEqual({
      insecureRegistries: ['registry.lan:5000', 'build', '[fd00::1]:5000', '10.0.0.7']
    })
    expect(set.parse({ insecureRegistries: [] })).toEqual({ insecureRegistries: [] })
    expect(set.parse({})).toEqual({})
  })

  it('refuses what is not a host, saying what to write', () => {
    expect(refusal(['http://registry.lan:5000/v2'])).toBe('"http://registry.lan:5000/v2" has a scheme: write the host only, e.g. registry.lan:5000.')
    expect(refusal(['registry.lan:5000/team'])).toBe('"registry.lan:5000/team" has a path: write the registry host only (HOST or HOST:PORT), e.g. registry.lan:5000.')
    expect(refusal(['-bad-.lan'])).toMatch(/^"-bad-.lan" is not a registry host: write HOST or HOST:PORT/)
    expect(refusal(['registry lan'])).toMatch(/is not a registry host/)
    expect(refusal(['registry.lan:70000'])).toBe('"registry.lan:70000" has port 70000: a port is 1 to 65535.')
    expect(refusal(['  '])).toBe('A registry host is empty: write HOST or HOST:PORT, e.g. registry.lan:5000.')
    expect(refusal('registry.lan')).toBe('insecureRegistries must be a list of registry hosts (HOST or HOST:PORT).')
    expect(refusal([5000])).toBe('Each insecure registry must be a host written HOST or HOST:PORT.')
    expect(refusal(Array.from({ length: MAX_INSECURE_REGISTRIES + 1 }, (_, i) => `r${i}.lan`))).toBe(`At most ${MAX_INSECURE_REGISTRIES} registries can be allowed plain HTTP.`)
  })

  it('the file schema is the same rule', () => {
    expect(appSettings.safeParse({ insecureRegistries: ['ftp://x'] }).success).toBe(false)
    expect(appSettings.parse({ insecureRegistries: ['X.lan'] })).toEqual({ insecureRegistries: ['x.lan'] })
  })
})
