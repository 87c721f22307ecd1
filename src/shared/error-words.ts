// What each error code means in words, for headings people read (codes stay in data and logs).
import type { ErrorCode } from './errors'

const WORDS: Record<ErrorCode, string> = {
  ENGINE_UNREACHABLE: 'The engine is not running or not reachable',
  ENGINE_PERMISSION: 'No permission to use the engine',
  ENGINE_CONFIG: 'The engine settings are wrong',
  ENGINE_ERROR: 'The engine reported an error',
  IMAGE_NOT_FOUND: 'No such image',
  ARCHIVE_INVALID: 'The archive cannot be read',
  PLATFORM_MISMATCH: 'That platform is not in the image',
  NOT_FOUND: 'Not found',
  INVALID_INPUT: 'That request is not valid',
  CANCELLED: 'Cancelled',
  BUILD_FAILED: 'The build failed',
  DOCKERFILE_SYNTAX: 'The Dockerfile has a syntax error',
  IO_ERROR: 'A file could not be read or written',
  INTERNAL: 'Something went wrong inside Layerscope',
  REGISTRY_UNREACHABLE: 'The registry is not reachable',
  REGISTRY_TLS: "The registry's certificate is not trusted",
  REGISTRY_AUTH: 'The registry needs a login',
  REGISTRY_DENIED: 'The registry refused access',
  REGISTRY_RATE_LIMITED: 'The registry limits requests: try again later',
  REGISTRY_TIMEOUT: 'The registry stopped answering',
  REGISTRY_ERROR: 'The registry reported an error',
  UNSUPPORTED_MEDIA_TYPE: 'That kind of image is not supported',
  DIGEST_MISMATCH: 'The bytes do not match their digest',
  BLOB_TRUNCATED: 'A download ended early'
}

export function errorWords(code: ErrorCode): string {
  return WORDS[code] ?? code
}
