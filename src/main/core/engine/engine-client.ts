// STUB: owned by the engine/fronts work (issue 2). Replace the bodies; keep the shape.
import type { EngineEndpoint, EngineStatus } from '../../../shared/models/engine'
import type { ImageSummary } from '../../../shared/models/images'
import { LayerscopeError } from '../errors'

export class EngineClient {
  constructor(readonly endpoint: EngineEndpoint) {}

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
