// When a registry may be spoken to over plain HTTP, decided as dockerd does (registry/config.go
// isSecureIndex): a host the user named insecure, or a host whose addresses fall in the default
// insecure ranges 127.0.0.0/8 and ::1/128 (a name is resolved first; an IP literal is itself).
// Everything else is HTTPS only. The one place that words how to allow a host lives here too.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { isNamedInsecure, splitHost } from './tls'

/** How the person allows plain HTTP for a host: the CLI's flag, or the app's setting. */
export type InsecureHint = 'flag' | 'setting'

/** The app's setting, as the "Open from registry…" dialog labels it. */
export const PLAIN_HTTP_SETTING = 'Plain HTTP allowed for'

/** dockerd's default insecure CIDRs: 127.0.0.0/8 and ::1/128 (IPv4-mapped loopback too). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '')
  if (isIP(a) === 4) return a.startsWith('127.')
  if (isIP(a) !== 6) return false
  if (a === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(a)) return true
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  return !!mapped && mapped[1]!.startsWith('127.')
}

/**
 * The policy: may `hostPort` be spoken to over plain HTTP? `named` are the hosts the user
 * allowed (flag and setting); `addresses` are what the host name resolves to (ignored for an
 * IP literal, which stands for itself; empty when the lookup failed, as docker then matches names only).
 */
export function plainHttpAllowed(hostPort: string, named: readonly string[], addresses: readonly string[]): boolean {
  if (isNamedInsecure(hostPort, named)) return true
  const { hostname } = splitHost(hostPort)
  return (isIP(hostname) ? [hostname] : addresses).some(isLoopbackAddress)
}

/** What a host name resolves to (every address; none when it does not resolve). */
export type AddressLookup = (hostname: string) => Promise<string[]>

export const systemLookup: AddressLookup = async (hostname) => {
  try {
    return (await lookup(hostname, { all: true })).map((a) => a.address)
  } catch {
    return []
  }
}

/** The end of a refusal sentence: how to allow plain HTTP for `hostPort`, in the front's words. */
export function allowPlainHttpAdvice(hostPort: string, how: InsecureHint): string {
  return how === 'setting'
    ? `add ${hostPort} to "${PLAIN_HTTP_SETTING}" in Open from registry… (its traffic and credentials then travel unencrypted)`
    : `name it insecure (--insecure-registry ${hostPort})`
}
