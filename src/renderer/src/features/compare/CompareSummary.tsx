// The header of a comparison: both sides (size exactly as docker shows it, exact bytes on
// hover), the verdict and the plain sentence, then the deltas that matter.
import type { Comparison, ComparedSide } from '../../../../shared/models/compare'
import { formatBytes, formatDelta, formatExactBytes, formatPercent, formatRatio, groupDigits, shortId } from '../../../../shared/format'
import { Bytes } from '../../components/Bytes'
import { useApp } from '../../stores'
import { imageName, imagePlatform } from '../../../../shared/image-source'


function SideCard({ side, s, label, shared }: { side: 'a' | 'b'; s: ComparedSide; label: string; shared: number }): React.JSX.Element {
  const navigate = useApp((st) => st.navigate)
  const engine = s.image.sizeKind === 'engine'
  const name = imageName(s)
  return (
    <div className={`cmp-side cmp-side-${side}`} data-testid={`side-${side}`}>
      <div className="cmp-side-head">
        <span className={`cmp-badge cmp-badge-${side}`}>{side.toUpperCase()}</span>
        <div className="cmp-side-names">
          <div className="cmp-side-label" title={name}>
            {label}
          </div>
          <div className="cmp-side-ref mono" title={`${name}\n${s.image.id}`}>
            {label !== name ? name : s.source.kind === 'archive' ? 'archive' : s.source.kind === 'registry' ? 'registry image' : 'engine image'}
          </div>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          title={`Open ${name} in the image view`}
          onClick={() => navigate({ name: 'image', key: s.key, source: s.source, label: name })}
          data-testid={`open-${side}`}
        >
          Open ↗
        </button>
      </div>
      <div className="cmp-side-size" data-testid={`size-${side}`}>
        <Bytes value={s.image.size} what={engine ? 'Size as docker images shows it' : 'Sum of layer content bytes (archive)'} />
        <span className="cmp-side-size-what">{engine ? 'as docker images shows it' : 'layer content (archive)'}</span>
      </div>
      <dl className="cmp-facts">
        <dt>ID</dt>
        <dd className="mono" title={s.image.id}>
          {shortId(s.image.id)}
        </dd>
        <dt>Platform</dt>
        <dd>{imagePlatform(s.image) || '—'}</dd>
        <dt>Layers</dt>
        <dd>
          {s.layers.length} <span className="muted">({shared} shared)</span>
        </dd>
        <dt>Files</dt>
        <dd className="num">{groupDigits(s.final.files)}</dd>
        <dt>Wasted</dt>
        <dd>
          <Bytes value={s.waste.bytes} what="Bytes shipped in layers but hidden in the final filesystem" />
        </dd>
        <dt>Efficiency</dt>
        <dd className="num">{formatPercent(s.waste.efficiency)}</dd>
      </dl>
    </div>
  )
}

function verdict(c: Comparison): { text: string; tone: 'smaller' | 'bigger' | 'same' } {
  const b = c.labels?.b ?? 'B'
  if (c.delta.bytes === 0) return { text: `${b}: same size`, tone: 'same' }
  const smaller = c.delta.bytes < 0
  const r = smaller ? c.delta.ratio : c.delta.ratio > 0 ? 1 / c.delta.ratio : 0
  const how = r >= 1.1 ? formatRatio(r) : formatDelta(c.delta.bytes)
  return { text: `${b} is ${how} ${smaller ? 'smaller' : 'bigger'}`, tone: smaller ? 'smaller' : 'bigger' }
}

function Delta({ label, value, title, good }: { label: string; value: string; title?: string; good?: boolean | null }): React.JSX.Element {
  return (
    <div className="cmp-delta" title={title}>
      <div className="cmp-delta-label">{label}</div>
      <div className={`cmp-delta-value num${good === true ? ' good' : good === false ? ' bad' : ''}`}>{value}</div>
    </div>
  )
}

export function CompareSummary({ c }: { c: Comparison }): React.JSX.Element {
  const v = verdict(c)
  const basis = c.delta.basis === 'content' ? 'layer content bytes (one side is an archive)' : 'sizes as docker images shows them'
  const sign = (n: number): boolean | null => (n === 0 ? null : n < 0)
  // Rounded first, so a tiny difference reads "0.0 pt", never "-0.0 pt".
  const effPoints = Math.round(c.delta.efficiency * 1000) / 10
  return (
    <section className="cmp-summary" aria-label="Summary">
      <div className="cmp-summary-row">
        <SideCard side="a" s={c.a} label={c.labels?.a ?? 'A'} shared={c.sharedLayers.length} />
        <div className="cmp-verdict">
          <div className={`cmp-verdict-main ${v.tone}`} data-testid="verdict">
            {v.text}
          </div>
          <div className="cmp-verdict-delta num" title={`${formatExactBytes(c.delta.bytes)} (${basis})`}>
            {formatDelta(c.delta.bytes)}
          </div>
          <p className="cmp-sentence" data-testid="sentence">
            {c.sentence}
          </p>
        </div>
        <SideCard side="b" s={c.b} label={c.labels?.b ?? 'B'} shared={c.sharedLayers.length} />
      </div>
      <div className="cmp-deltas" data-testid="deltas">
        <Delta label="Size B − A" value={formatDelta(c.delta.bytes)} title={`${formatExactBytes(c.delta.bytes)}: ${basis}`} good={sign(c.delta.bytes)} />
        {c.delta.downloadBytes !== undefined && (
          <Delta
            label="Download B − A"
            value={formatDelta(c.delta.downloadBytes)}
            title={`Download size (layer blobs + config) B − A: ${formatExactBytes(c.delta.downloadBytes)}`}
            good={sign(c.delta.downloadBytes)}
          />
        )}
        <Delta label="Ratio A / B" value={formatRatio(c.delta.ratio)} title={`${c.delta.ratio.toFixed(3)}: A's size divided by B's`} />
        <Delta label="Files" value={`${c.delta.files > 0 ? '+' : ''}${groupDigits(c.delta.files)}`} title="Regular files in the final filesystem, B − A" good={sign(c.delta.files)} />
        <Delta label="Layers" value={`${c.delta.layers > 0 ? '+' : ''}${c.delta.layers}`} title={`${c.sharedLayers.length} shared, ${c.onlyA.length} only in A, ${c.onlyB.length} only in B`} good={sign(c.delta.layers)} />
        <Delta label="Wasted" value={formatDelta(c.delta.wastedBytes)} title={`Wasted bytes B − A: ${formatExactBytes(c.delta.wastedBytes)}`} good={sign(c.delta.wastedBytes)} />
        <Delta
          label="Efficiency"
          value={effPoints === 0 ? '0.0 pt' : `${effPoints > 0 ? '+' : ''}${effPoints.toFixed(1)} pt`}
          title="Efficiency B − A, in percentage points"
          good={effPoints === 0 ? null : effPoints > 0}
        />
        <div className="cmp-delta cmp-delta-files" title="Entries of the final filesystems (directories not counted); bytes are regular-file bytes">
          <div className="cmp-delta-label">Entries added / removed / changed</div>
          <div className="cmp-delta-value num">
            <span className="cmp-added">+{groupDigits(c.files.added.count)}</span> <span className="muted">({formatBytes(c.files.added.bytes)})</span>
            {' · '}
            <span className="cmp-removed">-{groupDigits(c.files.removed.count)}</span> <span className="muted">({formatBytes(c.files.removed.bytes)})</span>
            {' · '}
            <span className="cmp-changed">~{groupDigits(c.files.changed.count)}</span> <span className="muted">({formatDelta(c.files.changed.bytes)})</span>
          </div>
          {/* Content digests: what sizes cannot show. */}
          {(c.files.changed.sameSize ?? 0) + (c.files.moved?.count ?? 0) + (c.files.metadata?.count ?? 0) > 0 && (
            <div className="muted small" data-testid="content-changes">
              {[
                c.files.changed.sameSize ? `${groupDigits(c.files.changed.sameSize)} changed at the same size` : '',
                c.files.moved?.count ? `${groupDigits(c.files.moved.count)} moved` : '',
                c.files.metadata?.count ? `${groupDigits(c.files.metadata.count)} mode/owner only` : ''
              ]
                .filter(Boolean)
                .join(' · ')}
            </div>
          )}
        </div>
      </div>
      {c.files.moved && c.files.moved.paths.length > 0 && (
        <ul className="cmp-notes mono small" data-testid="moved">
          {c.files.moved.paths.slice(0, 20).map((m) => (
            <li key={m.to} title={`${m.digest}, ${formatExactBytes(m.bytes)}`}>
              {m.from} -&gt; {m.to} <span className="muted">({formatBytes(m.bytes)})</span>
            </li>
          ))}
          {c.files.moved.count > 20 && <li className="muted">{groupDigits(c.files.moved.count - 20)} more moved (compare --json lists them)</li>}
        </ul>
      )}
      {c.notes.length > 0 && (
        <ul className="cmp-notes" data-testid="notes">
          {c.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  )
}
