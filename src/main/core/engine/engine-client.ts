// Minimal version by the coordinator (default socket, DOCKER_HOST unix/tcp). The engine
// work (issue 2) completes it; keep `docker`, `endpoint` and the method names.
import Docker from 'dockerode'
import type { EngineEndpoint, EngineStatus } from '../../../shared/models/engine'
import type { ImageSummary } from '../../../shared/models/images'
import { LayerscopeError } from '../errors'

export class EngineClient {
  /** The dockerode client for this endpoint (API calls: inspect, history, get, build). */
  readonly docker: Docker

  constructor(readonly endpoint: EngineEndpoint) {
    const u = endpoint.url
    if (u.startsWith('unix://')) this.docker = new Docker({ socketPath: u.slice('unix://'.length) })
    else if (u.startsWith('tcp://')) {
      const url = new URL(u)
      this.docker = new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' })
    } else throw new LayerscopeError('ENGINE_CONFIG', `Unsupported engine address "${u}".`)
  }

  /** DOCKER_HOST, then the default socket. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): EngineClient {
    if (env.DOCKER_HOST) return new EngineClient({ url: env.DOCKER_HOST, via: 'DOCKER_HOST' })
    return new EngineClient({ url: 'unix:///var/run/docker.sock', via: 'default' })
  }

  async status(): Promise<EngineStatus> {
    try {
      const v = await this.docker.version()
      return {
        ok: true,
        endpoint: this.endpoint,
        engine: /podman/i.test(JSON.stringify(v.Components ?? '')) ? 'podman' : 'docker',
        version: v.Version,
        apiVersion: v.ApiVersion,
        os: v.Os,
        arch: v.Arch,
        buildkit: false
      }
    } catch (e) {
      const err = this.explain(e)
      return { ok: false, endpoint: this.endpoint, code: err.code as 'ENGINE_UNREACHABLE', message: err.message }
    }
  }

  async listImages(): Promise<ImageSummary[]> {
    try {
      const list = await this.docker.listImages({ all: false })
      return await Promise.all(
        list.map(async (img) => {
          const info = await this.docker.getImage(img.Id).inspect()
          return {
            id: img.Id,
            repoTags: (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
            repoDigests: (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
            size: info.Size,
            created: new Date(img.Created * 1000).toISOString(),
            layers: info.RootFS?.Layers?.length ?? 0,
            os: info.Os,
            arch: info.Architecture
          }
        })
      )
    } catch (e) {
      throw this.explain(e)
    }
  }

  /** Engine errors -> what a person can do about them. */
  explain(e: unknown): LayerscopeError {
    if (e instanceof LayerscopeError) return e
    const code = (e as { code?: string }).code
    const where = this.endpoint.url
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      return new LayerscopeError('ENGINE_UNREACHABLE', `Docker is not running at ${where}. Start Docker (or set DOCKER_HOST), then retry.`)
    }
    if (code === 'EACCES') {
      return new LayerscopeError('ENGINE_PERMISSION', `Permission denied on ${where}. Add your user to the "docker" group or run with access to the socket.`)
    }
    return new LayerscopeError('ENGINE_ERROR', `The engine at ${where} answered: ${(e as Error).message}`)
  }
}
