// Schemas of the small responses that are not models of their own; the contract derives their
// types from these (the big answers, analyses and comparisons, are the models in ../models).
import { z } from 'zod'

export const RESPONSES = {
  'app:info': z.object({ version: z.string(), front: z.enum(['electron', 'browser']), platform: z.string() }),
  'dialog:open': z.object({ path: z.string().nullable() }),
  'job:cancel': z.object({ cancelled: z.boolean() }),
  'cache:info': z.object({ dir: z.string(), entries: z.number().int().min(0), bytes: z.number().int().min(0) }),
  'cache:clear': z.object({ removedEntries: z.number().int().min(0), removedBytes: z.number().int().min(0) }),
  'report:save': z.object({ path: z.string().nullable() }),
  'report:copy': z.object({ copied: z.boolean() })
} as const

export type ResponseOf<C extends keyof typeof RESPONSES> = z.output<(typeof RESPONSES)[C]>
