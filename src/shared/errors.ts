// Errors cross every boundary (IPC, HTTP, CLI) as data: a stable code and a message a
// person can act on ("Docker is not running at /var/run/docker.sock: start Docker ...").
export type ErrorCode =
  | 'ENGINE_UNREACHABLE' // nothing listens at the endpoint
  | 'ENGINE_PERMISSION' // socket exists, access denied
  | 'ENGINE_CONFIG' // bad DOCKER_HOST, missing context, bad TLS files
  | 'ENGINE_ERROR' // the engine answered with an error
  | 'IMAGE_NOT_FOUND'
  | 'ARCHIVE_INVALID' // not an archive, truncated, missing blob, unknown compression
  | 'PLATFORM_MISMATCH'
  | 'NOT_FOUND' // a file, a path, an analysis key
  | 'INVALID_INPUT'
  | 'CANCELLED'
  | 'BUILD_FAILED'
  | 'DOCKERFILE_SYNTAX'
  | 'IO_ERROR'
  | 'INTERNAL'

export interface ApiError {
  code: ErrorCode
  message: string
  /** Optional extra facts for display (e.g. the failing Dockerfile line). */
  detail?: Record<string, string | number | boolean | null>
}

export type ApiResult<T> = { result: T; error?: undefined } | { error: ApiError; result?: undefined }
