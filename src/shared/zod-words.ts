// What a zod issue says, in words a person reads: one wording for the request checks
// (schemas/requests.ts) and for the archive and registry documents (core/archive/schemas.ts).
import type { z } from 'zod'

/**
 * "should be a list (it is missing)" for a wrong type; otherwise the schema's message, without
 * zod's "Invalid input: " prefix. The caller names the field.
 */
export function issueWords(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const what = issue.expected === 'array' ? 'a list' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`
    return `should be ${what}${'input' in issue && issue.input === undefined ? ' (it is missing)' : ''}`
  }
  return issue.message.replace(/^Invalid input: /, '')
}
