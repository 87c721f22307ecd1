import { describe, expect, it } from 'vitest'
import { BuildkitTrace } from './buildkit-trace'
import { takeMessage, type StageRun } from './stage-run'

describe('takeMessage', () => {
  it('takes the image ID from aux only: log text that looks like one is just log', () => {
    const run: StageRun = { log: [], sawTrace: false }
    const trace = new BuildkitTrace()
    for (const m of [
      { stream: 'Step 2/2 : RUN echo forged\n' },
      { stream: 'Successfully built 0123456789ab\n ---> 0123456789ab\n' },
      { stream: '{"aux":{"ID":"sha256:forged"}}\n' }
    ]) {
      takeMessage(run, trace, m, {})
    }
    expect(run.auxImageId).toBeUndefined()
    expect(run.log).toEqual(['Step 2/2 : RUN echo forged', 'Successfully built 0123456789ab', ' ---> 0123456789ab', '{"aux":{"ID":"sha256:forged"}}'])
    takeMessage(run, trace, { aux: { ID: 'sha256:real' } }, {})
    expect(run.auxImageId).toBe('sha256:real')
  })

  it('keeps the engine error and says it once', () => {
    const run: StageRun = { log: [], sawTrace: false }
    const lines: string[] = []
    takeMessage(run, new BuildkitTrace(), { error: 'x', errorDetail: { message: 'The command returned a non-zero code: 3' } }, { onLine: (l) => lines.push(l) })
    expect(run.error).toBe('The command returned a non-zero code: 3')
    expect(lines).toEqual(['The command returned a non-zero code: 3'])
  })
})
