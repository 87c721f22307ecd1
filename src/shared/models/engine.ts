/** How Layerscope reached (or failed to reach) a container engine. */
export type EngineVia = 'default' | 'DOCKER_HOST' | 'context' | 'podman'

export interface EngineEndpoint {
  /** What the user would recognise: "unix:///var/run/docker.sock", "tcp://host:2376", "ssh://u@h". */
  url: string
  via: EngineVia
  /** Docker context name when via === 'context'. */
  context?: string
}

export type EngineStatus =
  | {
      ok: true
      endpoint: EngineEndpoint
      engine: 'docker' | 'podman'
      version: string
      apiVersion: string
      os: string
      arch: string
      /** True when the engine can run BuildKit builds through the API (version: '2'). */
      buildkit: boolean
    }
  | {
      ok: false
      endpoint: EngineEndpoint
      code: 'ENGINE_UNREACHABLE' | 'ENGINE_PERMISSION' | 'ENGINE_CONFIG' | 'ENGINE_ERROR'
      message: string
    }
