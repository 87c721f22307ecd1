// CI's bounded fuzz run (scripts/fuzz): mutated real archives (docker save, skopeo gzip and
// zstd layouts, a multi-platform layout) are each read or refused with a named error, within
// a time and an RSS bound, and leave no decoder process behind. LAYERSCOPE_FUZZ_CASES sets
// the count (default 1000).
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { runFuzz } from '../../../../scripts/fuzz/run'

const CASES = Number(process.env.LAYERSCOPE_FUZZ_CASES ?? 1000)

describe('fuzz (bounded)', () => {
  it(`reads or refuses ${CASES} mutated archives by name, never INTERNAL, a hang or a leak`, async () => {
    const lines: string[] = []
    const r = await runFuzz({ cases: CASES, timeoutMs: 20_000, rssMb: 700, failuresDir: join(tmpdir(), 'layerscope-fuzz-failures'), log: (l) => lines.push(l) })
    expect(r.cases).toBe(CASES)
    expect(r.failures.map((f) => `case ${f.id} (${f.seed}; ${f.mutations.join(', ')}): ${f.outcome} ${f.message ?? ''}`)).toEqual([])
    // The harness really exercises both sides: some inputs are still readable, most are refused.
    expect(r.outcomes.read ?? 0).toBeGreaterThan(0)
    expect(r.outcomes.ARCHIVE_INVALID ?? 0).toBeGreaterThan(0)
  }, 900_000)

  it('kills a worker whose case blocks or spins, records it as a hang and goes on with a new worker', async () => {
    process.env.LAYERSCOPE_FUZZ_SELFTEST = 'block:1,spin:3'
    try {
      const r = await runFuzz({ cases: 5, workers: 1, timeoutMs: 2000, wallTimeoutMs: 3000, log: () => undefined })
      expect(r.cases).toBe(5)
      expect(r.failures.map((f) => [f.id, f.outcome])).toEqual([
        [1, 'hang'],
        [3, 'hang']
      ])
      expect(r.failures[0]!.message).toMatch(/wall time not spent waiting for a CPU/)
      expect(r.failures[1]!.message).toMatch(/ms of CPU time > 2000 ms/)
      // One worker at the start and one after each kill; the other cases were read or refused.
      expect(r.workerStarts).toBe(3)
      expect((r.outcomes.read ?? 0) + (r.outcomes.ARCHIVE_INVALID ?? 0)).toBe(3)
    } finally {
      delete process.env.LAYERSCOPE_FUZZ_SELFTEST
    }
  }, 120_000)
})
