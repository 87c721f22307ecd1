// The one rule for which engine /history steps made layers, on the cases where the two old
// parsers disagreed (WORKDIR, 0-byte RUN and COPY steps). What the real engine records is
// checked in core/dockerfile/engine-history.int.test.ts.
import { describe, expect, it } from 'vitest'
import { assignLayers, engineLayerSteps, historyFromEngine, importWords, zeroByteLayerLikelihood } from './history'

const step = (createdBy: string, size = 0) => ({ createdBy, size })

describe('assignLayers', () => {
  it('a WORKDIR that made the missing layer is one (the old analysis rule never gave it one)', () => {
    const r = assignLayers([step('', 100), step('/bin/sh -c #(nop) WORKDIR /app'), step('/bin/sh -c #(nop)  CMD ["x"]')], 2)
    expect(r).toEqual({ makes: [true, true, false], exact: true })
  })

  it('config-only steps never make a layer, whatever the count says', () => {
    const r = assignLayers([step('', 100), step('/bin/sh -c #(nop)  ENV A=1'), step('LABEL a=b'), step('USER x')], 3)
    expect(r.makes).toEqual([true, false, false, false])
    expect(r.exact).toBe(false)
  })

  it('a legacy 0-byte RUN and a WORKDIR competing for one layer: WORKDIR, exact by rule', () => {
    const r = assignLayers([step('', 100), step('/bin/sh -c echo hi'), step('/bin/sh -c #(nop) WORKDIR /w'), step('/bin/sh -c #(nop)  LABEL x=1')], 2)
    expect(r).toEqual({ makes: [true, false, true, false], exact: true })
  })

  it('two 0-byte legacy RUNs for one layer is a guess: the oldest, not exact', () => {
    const r = assignLayers([step('', 100), step('/bin/sh -c echo hi'), step('/bin/sh -c touch /x')], 2)
    expect(r).toEqual({ makes: [true, true, false], exact: false })
  })

  it('BuildKit (Docker 20.10): every RUN and COPY made a layer, WORKDIR too, but not WORKDIR /', () => {
    // What the engine recorded for this history (image config empty_layer): see engine-history.int.test.ts.
    const steps = [
      step('', 1982436),
      step('RUN /bin/sh -c echo nothing changes # buildkit'),
      step('WORKDIR /app'),
      step('ENV A=1'),
      step('WORKDIR /app'),
      step('RUN /bin/sh -c mkdir /made # buildkit'),
      step('COPY empty.txt /e # buildkit'),
      step('RUN /bin/sh -c echo 12345 > /five # buildkit', 6),
      step('WORKDIR /'),
      step('RUN /bin/sh -c true # buildkit')
    ]
    expect(assignLayers(steps, 8)).toEqual({ makes: [true, true, true, false, true, true, true, true, false, true], exact: true })
  })

  it('ranks 0-byte steps: BuildKit RUN/COPY, legacy COPY, WORKDIR, legacy RUN, WORKDIR /, config', () => {
    expect(zeroByteLayerLikelihood('COPY empty.txt /e # buildkit')).toBe(5)
    expect(zeroByteLayerLikelihood('/bin/sh -c #(nop) COPY file:abc in /e ')).toBe(4)
    expect(zeroByteLayerLikelihood('/bin/sh -c #(nop) WORKDIR /w')).toBe(3)
    expect(zeroByteLayerLikelihood('/bin/sh -c true')).toBe(2)
    expect(zeroByteLayerLikelihood('WORKDIR /')).toBe(1)
    expect(zeroByteLayerLikelihood('ARG V=1')).toBe(0)
  })

  it('layer counts of local step images pin the answer exactly (a legacy build: RUN echo, WORKDIR, RUN touch)', () => {
    // Docker 20.10's legacy builder recorded: RUN echo -> empty, WORKDIR /w -> layer, RUN touch /x -> layer.
    const steps = [step('', 1982436), step('/bin/sh -c echo hi'), step('/bin/sh -c #(nop) WORKDIR /w'), step('/bin/sh -c touch /x'), step('/bin/sh -c #(nop)  LABEL a=b')]
    expect(assignLayers(steps, 3).exact).toBe(false)
    expect(assignLayers(steps, 3, [1, 1, 2, 3, 3])).toEqual({ makes: [true, false, true, true, false], exact: true })
  })

  it('fewer candidates than layers (hand-made images): every candidate, not exact', () => {
    expect(assignLayers([step('', 5), step('/bin/sh -c true')], 4)).toEqual({ makes: [true, true], exact: false })
  })
})

describe('historyFromEngine (analysis)', () => {
  it('turns newest-first engine history into oldest-first steps with empty_layer from the one rule', () => {
    const api = [
      { CreatedBy: '/bin/sh -c #(nop)  CMD ["x"]', Size: 0, Created: 1 },
      { CreatedBy: '/bin/sh -c #(nop) WORKDIR /app', Size: 0, Created: 1 },
      { CreatedBy: '', Size: 100, Created: 1, Comment: 'imported' }
    ]
    expect(historyFromEngine(api, 2).map((h) => [h.created_by, h.empty_layer])).toEqual([
      ['', false],
      ['/bin/sh -c #(nop) WORKDIR /app', false],
      ['/bin/sh -c #(nop)  CMD ["x"]', true]
    ])
  })
})

describe('engineLayerSteps', () => {
  it('puts the steps oldest first, the very entries, with the rule\'s answer and how sure it is', () => {
    const api = [
      { CreatedBy: '/bin/sh -c #(nop)  CMD ["x"]', Size: 0 },
      { CreatedBy: '/bin/sh -c #(nop) WORKDIR /app', Size: 0 },
      { Size: 100, Comment: 'imported' }
    ]
    const r = engineLayerSteps(api, 2)
    expect(r.oldestFirst).toEqual([api[2], api[1], api[0]])
    expect(r.oldestFirst[0]).toBe(api[2])
    expect(r.makes).toEqual([true, true, false])
    expect(r.exact).toBe(true)
    // The engine's own order is left as it was.
    expect(api[0]!.CreatedBy).toBe('/bin/sh -c #(nop)  CMD ["x"]')
    expect(engineLayerSteps(api, 3)).toMatchObject({ makes: [true, true, false], exact: false })
    // A pinned count decides a tie the likelihoods cannot.
    const ties = [{ CreatedBy: '/bin/sh -c b', Size: 0 }, { CreatedBy: '/bin/sh -c a', Size: 0 }, { CreatedBy: '', Size: 5 }]
    expect(engineLayerSteps(ties, 2)).toMatchObject({ makes: [true, true, false], exact: false })
    expect(engineLayerSteps(ties, 2, [1, 1, 2])).toMatchObject({ makes: [true, false, true], exact: true })
  })
})

describe('importWords', () => {
  it("says what docker import's comment means", () => {
    expect(importWords('Imported from -')).toBe('Imported from a tar stream (docker import)')
    expect(importWords('Imported from https://example.com/rootfs.tar')).toBe('Imported from https://example.com/rootfs.tar (docker import)')
    expect(importWords('made by hand')).toBe('made by hand')
    expect(importWords(undefined)).toBeUndefined()
  })
})
