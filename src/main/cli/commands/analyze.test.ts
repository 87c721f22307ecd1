import { describe, expect, it } from 'vitest'
import { analyzeText } from './analyze'
import { singleAnalysis } from '../../core/report/testdata/models'

describe('analyze text', () => {
  it('right-aligns the layer table and clips long instructions with an ellipsis', () => {
    const lines = analyzeText(singleAnalysis()).split('\n')
    expect(lines).toContain('    #    CONTENT    FILES    +ADD   ~CHG   -DEL  INSTRUCTION')
    expect(lines).toContain('    0    74.8 MB       10      10      0      0  [base] ADD file:4f1d8c… in /')
    expect(lines).toContain('    3     213 MB       13      10      0      0  COPY . /app # buildkit')
    const width = Math.max(40, (process.stdout.columns ?? 120) - 52)
    const apt = lines.find((l) => l.includes('apt-get update'))!
    const instruction = apt.slice(apt.indexOf('RUN'))
    expect(instruction).toHaveLength(width)
    expect(instruction.endsWith('…')).toBe(true)
  })

  it('right-aligns the wasted bytes in 9 columns', () => {
    const lines = analyzeText(singleAnalysis()).split('\n')
    expect(lines.filter((l) => l.includes('— deleted in layer 4')).map((l) => l.slice(0, 13))).toEqual(['    2.05 MB  ', '     9.1 MB  '])
  })

  it('names the image as the app and the reports do', () => {
    const a = singleAnalysis()
    expect(analyzeText(a).split('\n')[0]).toBe('Image     acme/web:single  (9f86d081884c)')
    const archive = { ...a, source: { kind: 'archive' as const, path: '/tmp/web.oci.tar' }, image: { ...a.image, repoTags: ['1.0'] } }
    expect(analyzeText(archive).split('\n')[0]).toBe('Image     web.oci.tar  (9f86d081884c)')
  })
})
