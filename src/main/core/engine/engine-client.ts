// STUB: owned by the engine/fronts work (issue 2). Replace the bodies; keep the shape
// (the `docker` property and the method names are used by other core modules).
import Docker from 'dockerode'
import type { EngineEndpoint, EngineStatus } from '../../../shared/models/engine'
import type { ImageSummary } from '../../../shared/models/images'
import { LayerscopeError } from '../errors'

export class EngineClient {
  /** The dockerode client for this endpoint (API calls: inspect, history, get, build). */
  readonly docker: Docker

  constructor(readonly endpoint: EngineEndpoint) {
    this.docker = new Docker({ socketPath: endpoint.url.replace(/^unix:\/\//, '') })
  }

  /** DOCKER_HOST, then the current Docker context, then the default socket, then Podman's. */
  static fromEnvironment(_env: NodeJS.ProcessEnv = process.env): EngineClient {
    return new EngineClient({ url: 'unix:///var/run/docker.sock', via: 'default' })
  }

  async status(): Promise<EngineStatus> {
    throw new LayerscopeError('INTERNAL', 'not implemented')
  }

  async listImages(): Promise<ImageSummary[]> {
    throw new LayerscopeError('INTERNAL', 'not implemented')
  }
}
