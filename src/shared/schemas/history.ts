// Requests of the history channels (size over time of one repository's tags).
import { z } from 'zod'
import { jobId, text, wholeNumber } from './fields'

const seriesFields = {
  jobId: jobId.optional(),
  repository: text('repository', 'a registry repository (registry://HOST/REPO) or a local repository name (myapp), without a tag'),
  order: z.enum(['created', 'semver'], { error: (iss) => `order must be "created" (the config's created time) or "semver" (got ${JSON.stringify(iss.input)}).` }).default('created'),
  /** Only the last N tags of the order. */
  last: wholeNumber('last', 2, 1000).optional()
}

export const HISTORY_REQUESTS = {
  'history:series': z.object(seriesFields),
  /** The `limit` biggest steps, each explained by a compare of its two tags (reads their layers). */
  'history:jumps': z.object({ ...seriesFields, limit: wholeNumber('limit', 1, 50).default(3) })
} as const
