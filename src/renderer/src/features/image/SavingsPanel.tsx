// "What would make this image smaller?": removable bytes measured in this image (package
// caches, docs, toolchains, hidden copies), largest first, each with its fix, its largest
// paths and the layers that added them. Clicking a path selects the layer that added it.
import { useState } from 'react'
import { formatBytes, formatCount, formatExactBytes } from '../../../../shared/format'
import type { ImageAnalysis, SavingsCandidate } from '../../../../shared/models/analysis'
import { EmptyState } from '../../components/States'
import { displayPath } from '../../lib/paths'
import { useApp } from '../../stores'
import { baseFacts, groupSavings } from './savings-groups'
import { BaseAlternatives } from '../registry/BaseAlternatives'

const GROUP_LABEL: Record<SavingsCandidate['group'], string> = {
  cache: 'cache',
  docs: 'docs',
  toolchain: 'build tools',
  language: 'app files',
  hidden: 'waste'
}

function Candidate({ c, max, analysis }: { c: SavingsCandidate; max: number; analysis: ImageAnalysis }): React.JSX.Element {
  const selectLayer = useApp((s) => s.selectLayer)
  const selected = useApp((s) => s.selectedLayer)
  const [open, setOpen] = useState(false)
  const share = analysis.layerBytes > 0 ? c.bytes / analysis.layerBytes : 0
  const what = c.id === 'hidden' ? formatCount(c.files, 'hidden copy', 'hidden copies') : formatCount(c.files, 'file')
  return (
    <li className={`sv-item${open ? ' open' : ''}`} data-testid="savings-candidate" data-id={c.id}>
      <button type="button" className="sv-head" aria-expanded={open} onClick={() => setOpen((o) => !o)} title={open ? 'Hide the paths' : 'Show the largest paths'}>
        <span className="chev" aria-hidden>
          {open ? '▾' : '▸'}
        </span>
        <span className="sv-title">{c.title}</span>
        <span className={`sv-group sv-group-${c.group}`}>{GROUP_LABEL[c.group]}</span>
        <span className="sv-bar" aria-hidden>
          <span className={`sv-bar-fill sv-fill-${c.group}`} style={{ width: `${Math.max(1.5, (c.bytes / max) * 100)}%` }} />
        </span>
        <span className="sv-bytes num" data-testid="savings-bytes" title={`${formatExactBytes(c.bytes)} (${(share * 100).toFixed(1)} % of the layers' content)`}>
          {formatBytes(c.bytes)}
        </span>
      </button>
      <div className="sv-body">
        <p className="sv-fix">{c.fix}</p>
        <p className="sv-meta muted">
          {what}, added by{' '}
          {c.layers.slice(0, 4).map((l, i) => (
            <span key={l.layerIndex}>
              {i > 0 && ', '}
              <button
                type="button"
                className={`linklike num${selected === l.layerIndex ? ' on' : ''}`}
                onClick={() => selectLayer(l.layerIndex)}
                title={`Select layer ${l.layerIndex}: ${formatExactBytes(l.bytes)} of these bytes, ${formatCount(l.files, 'file')}`}
              >
                layer {l.layerIndex}
              </button>
              {analysis.layers[l.layerIndex]?.isBase && <span className="chip chip-base sv-base">base</span>}
              {c.layers.length > 1 && <span className="num"> ({formatBytes(l.bytes)})</span>}
            </span>
          ))}
          {c.layers.length > 4 && <span> and {formatCount(c.layers.length - 4, 'more layer')}</span>}
        </p>
        {open && (
          <div className="sv-paths" data-testid="savings-paths">
            {c.paths.map((p) => (
              <div
                key={p.path}
                className={`trow clickable${selected === p.layerIndex ? ' active' : ''}`}
                data-testid="savings-path"
                data-path={p.path}
                onClick={() => selectLayer(p.layerIndex)}
                title={`Click to select layer ${p.layerIndex}, which added this file`}
              >
                <span className="tcell tname mono">{displayPath(p.path)}</span>
                <span className="tcell tlayer num">layer {p.layerIndex}</span>
                <span className="tcell tsize num" title={formatExactBytes(p.bytes)}>
                  {formatBytes(p.bytes)}
                </span>
              </div>
            ))}
            {c.files > c.paths.length && <div className="sv-more muted">{c.id === 'hidden' ? 'The Waste tab lists every hidden copy.' : `and ${formatCount(c.files - c.paths.length, 'smaller file')}`}</div>}
          </div>
        )}
      </div>
    </li>
  )
}

export function SavingsPanel({ analysis }: { analysis: ImageAnalysis }): React.JSX.Element {
  const s = analysis.savings
  if (!s)
    return (
      <EmptyState title="No savings figures" testId="savings-missing">
        This analysis was made without the savings rules; open the image again.
      </EmptyState>
    )
  if (s.candidates.length === 0)
    return (
      <EmptyState title="Nothing obvious to remove" testId="savings-empty">
        No package caches, docs, build tools or hidden copies over 1 kB were found in this image.
      </EmptyState>
    )
  const max = s.candidates[0]!.bytes
  const groups = groupSavings(analysis)
  const base = baseFacts(analysis)
  return (
    <div className="savings-panel" data-testid="savings-panel">
      <div className="waste-summary sv-summary">
        <span>
          Could save <strong className="num" data-testid="savings-total" title={formatExactBytes(s.bytes)}>{formatBytes(s.bytes)}</strong> of {formatBytes(analysis.layerBytes)} —{' '}
          <span className="sv-after" data-testid="savings-after" title={`${formatExactBytes(analysis.layerBytes)} of file content in the layers minus ${formatExactBytes(s.bytes)}`}>
            ≈ <strong className="num">{formatBytes(s.afterBytes)}</strong> after
          </span>{' '}
          (an estimate in file content bytes, uncompressed). Measured in this image: check that your app does not need a path before removing it.
        </span>
      </div>
      {s.baseAlternatives && <BaseAlternatives alt={s.baseAlternatives} />}
      <div className="sv-list">
        {groups.map((g) => (
          <section key={g.id} className="sv-group-section" data-testid={`savings-group-${g.id}`}>
            <h3 className="sv-group-head">
              {g.id === 'own' ? (
                <>Added by this image's own layers</>
              ) : (
                <>
                  From the base image{base?.ref ? <span className="mono"> {base.ref}</span> : null}
                  {base && (
                    <span className="muted" title={`${formatExactBytes(base.bytes)} of file content in ${formatCount(base.layers, 'base layer')}`}>
                      {' '}
                      · the base is {formatBytes(base.bytes)} of this image's {formatBytes(analysis.layerBytes)}: a slimmer base removes these
                    </span>
                  )}
                </>
              )}
              <span className="sv-group-bytes num">{formatBytes(g.bytes)}</span>
            </h3>
            <ul className="sv-items">
              {g.candidates.map((c) => (
                <Candidate key={c.id} c={c} max={max} analysis={analysis} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  )
}
