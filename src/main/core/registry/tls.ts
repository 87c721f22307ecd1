// TLS as docker sets it up for a registry: the system CAs plus the files in
// certs.d/HOST[:PORT]/ (`*.crt` are CAs, `NAME.cert` + `NAME.key` a client certificate:
// docker's registry/config.go ReadCertsDirectory), and when plain HTTP is allowed.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { LayerscopeError } from '../errors'
import { dockerConfigDir } from './credentials'

type Env = Readonly<Record<string, string | undefined>>

export interface TlsFiles {
  /** PEM CAs beyond the system's (undefined: the system's only). */
  ca?: string[]
  cert?: string
  key?: string
  /** The certs.d folders looked at for this host (named in TLS error messages). */
  looked: string[]
}

export function defaultCertsDirs(env: Env): string[] {
  return [join(dockerConfigDir(env), 'certs.d'), '/etc/docker/certs.d']
}

/** certs.d names a folder HOST[:PORT]; an IPv6 host keeps its brackets. */
export function certsFolderName(host: string): string {
  return host
}

export function readTlsFiles(host: string, certsDirs: readonly string[]): TlsFiles {
  const looked = certsDirs.map((d) => join(d, certsFolderName(host)))
  const extra: string[] = []
  let cert: string | undefined
  let key: string | undefined
  for (const dir of looked) {
    let names: string[]
    try {
      names = readdirSync(dir).sort()
    } catch {
      continue
    }
    for (const n of names) {
      if (n.endsWith('.crt')) extra.push(readFileSync(join(dir, n), 'utf8'))
      else if (n.endsWith('.cert')) {
        const keyName = n.slice(0, -'.cert'.length) + '.key'
        if (!names.includes(keyName)) throw new LayerscopeError('REGISTRY_TLS', `${join(dir, n)} has no matching key ${keyName}: add it or remove the certificate.`)
        cert = readFileSync(join(dir, n), 'utf8')
        key = readFileSync(join(dir, keyName), 'utf8')
      } else if (n.endsWith('.key')) {
        const certName = n.slice(0, -'.key'.length) + '.cert'
        if (!names.includes(certName)) throw new LayerscopeError('REGISTRY_TLS', `${join(dir, n)} has no matching certificate ${certName}: add it or remove the key.`)
      }
    }
  }
  return { ...(extra.length ? { ca: [...rootCertificates, ...extra] } : {}), ...(cert && key ? { cert, key } : {}), looked }
}

/** host[:port] -> hostname (brackets of an IPv6 literal removed) and port. */
export function splitHost(host: string): { hostname: string; port?: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(host) ?? /^([^:]+)(?::(\d+))?$/.exec(host)
  if (!m) return { hostname: host }
  return { hostname: m[1]!, ...(m[2] ? { port: Number(m[2]) } : {}) }
}

export function isNamedInsecure(host: string, insecure: readonly string[]): boolean {
  const h = host.toLowerCase()
  const { hostname } = splitHost(h)
  return insecure.some((i) => {
    const x = i.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '')
    return x === h || x === hostname
  })
}

/** Node's TLS error codes that mean "the certificate is not trusted / does not fit". */
const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH'
])

export function isCertificateError(e: unknown): boolean {
  const code = (e as { code?: string }).code
  return !!code && CERT_CODES.has(code)
}

/** The server answered a TLS hello with plain HTTP (or hung up): it does not speak TLS. */
export function isNotTlsError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? ''
  const msg = (e as Error).message ?? ''
  return code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || /wrong version number|packet length too long|http request/i.test(msg)
}

export function isTlsError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? ''
  return isCertificateError(e) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO'
}
