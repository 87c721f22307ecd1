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
  | 'REGISTRY_UNREACHABLE' // unknown host, connection refused or reset
  | 'REGISTRY_TLS' // certificate not trusted, handshake failed
  | 'REGISTRY_AUTH' // 401: no or wrong credentials
  | 'REGISTRY_DENIED' // 403: authenticated but not allowed
  | 'REGISTRY_RATE_LIMITED' // 429 after retries
  | 'REGISTRY_TIMEOUT' // a stalled connection after retries
  | 'REGISTRY_ERROR' // any other refusal or malformed answer
  | 'UNSUPPORTED_MEDIA_TYPE' // schema1, artifacts, unknown layer types
  | 'DIGEST_MISMATCH' // bytes do not hash to the digest that names them
  | 'BLOB_TRUNCATED' // fewer (or more) bytes than the descriptor says
  | 'INTERNAL'

export interface ApiError {
  code: ErrorCode
  message: string
  /** Optional extra facts for display (e.g. the failing Dockerfile line). */
  detail?: Record<string, string | number | boolean | null>
}

export type ApiResult<T> = { result: T; error?: undefined } | { error: ApiError; result?: undefined }
