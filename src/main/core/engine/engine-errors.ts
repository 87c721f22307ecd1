// The one place where engine failures (socket errors, HTTP answers, timeouts, TLS and SSH
// problems) become LayerscopeErrors a person can act on. Every EngineClient verb throws
// through here, so Docker and Podman are named, and their commands given, the same way.
import type { EngineEndpoint } from '../../../shared/models/engine'
import { LayerscopeError } from '../errors'

export interface ExplainContext {
  endpoint: EngineEndpoint
  kind: 'docker' | 'podman'
  /** The image reference the call was about: a 404 then names it and how to list images. */
  ref?: string
}

/** No answer in time (the request was given up, the engine may still be working). */
export class EngineTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly ms: number
  ) {
    super(`${what} timed out after ${ms} ms`)
    this.name = 'EngineTimeoutError'
  }
}

/** An HTTP error answer from the engine, its body already cut to a bounded size. */
export class EngineHttpError extends Error {
  readonly json: { message: string }
  constructor(
    readonly statusCode: number,
    message: string
  ) {
    super(message)
    this.name = 'EngineHttpError'
    this.json = { message }
  }
}

const SOCKET_GONE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'ENOTSOCK'])

/** The explained error keeps the engine's own as its `cause` (status code, engine words) for callers that branch on it. */
export function explainEngineError(e: unknown, ctx: ExplainContext): LayerscopeError {
  if (e instanceof LayerscopeError) return e
  const out = explain(e, ctx)
  Object.defineProperty(out, 'cause', { value: e, enumerable: false, configurable: true, writable: true })
  return out
}

/** The engine's HTTP status behind an (explained) error, if it answered. */
export function engineStatusCode(e: unknown): number | undefined {
  const direct = (e as { statusCode?: unknown } | null)?.statusCode
  if (typeof direct === 'number') return direct
  const cause = (e as { cause?: { statusCode?: unknown } } | null)?.cause?.statusCode
  return typeof cause === 'number' ? cause : undefined
}

function explain(e: unknown, ctx: ExplainContext): LayerscopeError {
  const err = e as { code?: string; statusCode?: number; message?: string; json?: { message?: string } }
  const code = err.code
  const where = ctx.endpoint.url
  const podman = ctx.kind === 'podman'
  const what = podman ? 'Podman' : 'Docker'
  if (e instanceof EngineTimeoutError) {
    return new LayerscopeError(
      'ENGINE_UNREACHABLE',
      `${what} at ${where} did not answer within ${formatMs(e.ms)} (${e.what}). Check that the engine is running and not stuck (\`${podman ? 'podman' : 'docker'} info\`), then retry.`
    )
  }
  if (code !== undefined && SOCKET_GONE.has(code)) {
    const detail =
      code === 'ENOENT'
        ? 'no socket there'
        : code === 'ECONNREFUSED'
          ? 'connection refused'
          : code === 'ECONNRESET' || code === 'EPIPE'
            ? 'the connection was closed'
            : code.toLowerCase()
    return new LayerscopeError('ENGINE_UNREACHABLE', `${what} is not running at ${where} (${detail}). ${howToStart(ctx.endpoint, podman)}`)
  }
  if ((code === 'EACCES' || code === 'EPERM') && podman) {
    return new LayerscopeError(
      'ENGINE_PERMISSION',
      `Permission denied on ${where}. Podman's system socket is root's: use your own (\`systemctl --user enable --now podman.socket\`; it is found at $XDG_RUNTIME_DIR/podman/podman.sock) or run with access to that socket.`
    )
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new LayerscopeError(
      'ENGINE_PERMISSION',
      `Permission denied on ${where}. Add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again) or run with access to that socket.`
    )
  }
  if (err.statusCode !== undefined) {
    const msg = (err.json?.message ?? err.message ?? '').trim()
    if (err.statusCode === 404 && ctx.ref !== undefined) {
      return new LayerscopeError('IMAGE_NOT_FOUND', `No local image ${ctx.ref}: \`${podman ? 'podman' : 'docker'} images\` lists what this engine has.`)
    }
    if (err.statusCode === 404) return new LayerscopeError('IMAGE_NOT_FOUND', `The engine at ${where} answered: ${msg}`)
    return new LayerscopeError('ENGINE_ERROR', `The engine at ${where} answered (HTTP ${err.statusCode}): ${msg}`)
  }
  if (where.startsWith('ssh://') && /authentication|handshake|host key|publickey/i.test(err.message ?? '')) {
    return new LayerscopeError(
      'ENGINE_CONFIG',
      `SSH to ${where} failed: ${err.message}. Check that \`ssh ${where.slice('ssh://'.length)} docker version\` works and that your key is in ssh-agent (SSH_AUTH_SOCK).`
    )
  }
  if (/certificate|ssl|tls|self.signed/i.test(err.message ?? '')) {
    return new LayerscopeError('ENGINE_CONFIG', `TLS to ${where} failed: ${err.message}. Check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) or the context's TLS files.`)
  }
  if (/socket hang up|premature close|aborted/i.test(err.message ?? '')) {
    return new LayerscopeError('ENGINE_UNREACHABLE', `${what} at ${where} closed the connection (${err.message}). Check that the engine is running, then retry.`)
  }
  return new LayerscopeError('ENGINE_ERROR', `The engine at ${where} failed${ctx.ref ? ` on ${ctx.ref}` : ''}: ${err.message ?? String(e)}`)
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`
}

function howToStart(endpoint: EngineEndpoint, podman: boolean): string {
  const startPodman = 'Start it with `systemctl --user start podman.socket` (or `podman system service`)'
  if (podman && endpoint.via === 'DOCKER_HOST') return `${startPodman}, or fix or unset DOCKER_HOST, then retry.`
  // The default socket answered as Podman before (podman-docker's /var/run/docker.sock link).
  if (podman && endpoint.via === 'default') return `${startPodman}, then retry. You can still open image archives.`
  switch (endpoint.via) {
    case 'DOCKER_HOST':
      return 'Start the engine there, or fix or unset DOCKER_HOST, then retry.'
    case 'context':
      return `Start the engine of context "${endpoint.context ?? ''}" or switch with \`docker context use default\`, then retry.`
    case 'podman':
      return `${startPodman}, then retry.`
    default:
      return 'Start Docker (e.g. `sudo systemctl start docker`) or set DOCKER_HOST, then retry. You can still open image archives.'
  }
}
