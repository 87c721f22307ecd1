// The image's identity and its key numbers, each saying what it is.
import { formatBytes, formatCount, formatExactBytes, formatPercent, shortId } from '../../../../shared/format'
import type { ImageAnalysis, ImageSource } from '../../../../shared/models/analysis'
import { archiveFileName, imageName, imagePlatform } from '../../../../shared/image-source'
import { Button } from '../../components/Button'
import { Tooltip } from '../../components/Tooltip'
import { ExportReportButton } from '../report'
import { formatRelative, formatTimestamp } from '../../lib/time'
import { useApp } from '../../stores'

function Stat({ label, value, sub, title, testId, tone }: { label: string; value: React.ReactNode; sub?: React.ReactNode; title?: string; testId?: string; tone?: 'warn' | 'good' }): React.JSX.Element {
  return (
    <div className={`stat${tone ? ` stat-${tone}` : ''}`} title={title} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{value}</div>
      {sub && (
        <div className="stat-sub muted" title={typeof sub === 'string' ? sub : undefined}>
          {sub}
        </div>
      )}
    </div>
  )
}

export function ImageHeader({ analysis }: { analysis: ImageAnalysis }): React.JSX.Element {
  const back = useApp((s) => s.back)
  const navigate = useApp((s) => s.navigate)
  const setComparePick = useApp((s) => s.setComparePick)
  const openImage = useApp((s) => s.openImage)
  const { image, waste } = analysis
  const label = imageName(analysis)
  const baseLayers = analysis.layers.filter((l) => l.isBase).length
  const platform = imagePlatform(image)
  const wasteTone = waste.bytes > 0 && waste.efficiency < 0.9 ? 'warn' : undefined
  return (
    <header className="image-header">
      <div className="image-title-row">
        <Button variant="ghost" size="sm" onClick={back} title="Back (Alt+←)" aria-label="Back">
          ←
        </Button>
        <h1 className="image-title" data-testid="image-title">
          {label}
        </h1>
        <span className="mono muted" title={image.id} data-testid="image-id">
          {shortId(image.id)}
        </span>
        {image.repoTags.filter((t) => t !== label).map((t) => (
          <span key={t} className="chip">
            {t}
          </span>
        ))}
        {platform && (
          <span
            className="chip"
            title={image.platforms && image.platforms.length > 1 ? `The archive holds ${image.platforms.join(', ')}; this view shows ${platform}.` : undefined}
          >
            {platform}
            {image.platforms && image.platforms.length > 1 ? ` · 1 of ${image.platforms.length} platforms` : ''}
          </span>
        )}
        <span className="chip" title={sourceChipTitle(analysis.source)} data-testid="image-source">
          {sourceChip(analysis.source, analysis.format)}
        </span>
        {analysis.cachedLayers > 0 && (
          <span className="chip" title={`${analysis.cachedLayers} of ${analysis.layers.length} layers came from the layer cache`}>
            cached
          </span>
        )}
        <div className="spacer" />
        <Button size="sm" onClick={() => {
            // The compare screen starts with this image as side A and B empty (to pick there):
            // a result for other sides is then marked as not what the picker shows.
            setComparePick('a', analysis.source)
            setComparePick('b', null)
            navigate({ name: 'compare', a: analysis.source })
          }} title="Compare this image with another">
          Compare with…
        </Button>
        <Button size="sm" onClick={() => void openImage(analysis.source, label, { noCache: true })} title="Analyse again, ignoring the layer cache">
          Re-analyse
        </Button>
        <ExportReportButton aKey={analysis.key} />
      </div>
      <div className="stats">
        <Stat
          label={image.sizeKind === 'engine' ? 'Size' : 'Size (content)'}
          value={formatBytes(image.size)}
          sub={image.sizeKind === 'engine' ? 'as docker images shows it' : 'sum of layer contents'}
          title={`${image.sizeKind === 'engine' ? 'inspect .Size' : 'Sum of layer content bytes (what docker images would show after docker load)'}: ${formatExactBytes(image.size)}`}
          testId="stat-size"
        />
        {image.downloadSize !== undefined ? (
          <Stat label="Download" value={formatBytes(image.downloadSize)} sub="layer blobs + config, what a pull transfers" title={formatExactBytes(image.downloadSize)} testId="stat-download" />
        ) : (
          image.compressedSize !== undefined && <Stat label="Compressed" value={formatBytes(image.compressedSize)} sub="what a pull downloads" title={formatExactBytes(image.compressedSize)} />
        )}
        <Stat label="Created" value={formatRelative(image.created)} sub={image.created ? formatTimestamp(image.created).slice(0, 16) : undefined} title={formatTimestamp(image.created)} />
        <Stat
          label="Layers"
          value={analysis.layers.length}
          sub={baseLayers ? `${baseLayers} from base${analysis.base ? ` ${analysis.base.ref}` : ''}` : formatCount(analysis.history.length, 'history step')}
          testId="stat-layers"
        />
        <Stat
          label="Final files"
          value={formatBytes(analysis.final.bytes)}
          sub={formatCount(analysis.final.files, 'file')}
          title={`Regular files still visible after every layer: ${formatExactBytes(analysis.final.bytes)}`}
          testId="stat-final"
        />
        <Stat
          label="Wasted"
          value={formatBytes(waste.bytes)}
          sub={formatCount(waste.pathCount, 'path')}
          title={`Shipped in a layer but hidden later (deleted, overwritten, metadata-only copy): ${formatExactBytes(waste.bytes)}`}
          testId="stat-wasted"
          tone={wasteTone}
        />
        <Tooltip
          content={
            <div className="tip-text">
              <strong>Efficiency</strong> = final files / all layer contents: the share of shipped bytes still visible
              <br />
              {formatExactBytes(analysis.final.bytes)} / {formatExactBytes(analysis.layerBytes)}
              <br />
              <br />
              <strong>dive score {formatPercent(waste.dive.score)}</strong>: dive's own figure, which its CI rules (and ours, for .dive-ci files) gate on; dive also counts the kept copy as waste
              <br />
              dive wasted bytes: {formatExactBytes(waste.dive.wastedBytes)}
              <br />
              dive user wasted: {formatPercent(waste.dive.userWastedPercent)}
            </div>
          }
        >
          <Stat label="Efficiency" value={formatPercent(waste.efficiency)} sub={`dive score ${formatPercent(waste.dive.score)}`} testId="stat-efficiency" tone={wasteTone ? 'warn' : 'good'} />
        </Tooltip>
      </div>
    </header>
  )
}

/** Where the bytes came from, in one chip: the archive file, the registry, or the engine. */
function sourceChip(source: ImageSource, format: string): string {
  if (source.kind === 'archive') return `${archiveFileName(source.path)} · ${format}`
  if (source.kind === 'registry') return 'registry'
  return 'engine'
}

function sourceChipTitle(source: ImageSource): string {
  if (source.kind === 'archive') return source.path
  if (source.kind === 'registry') return `Read from the registry: ${source.ref}`
  return 'Read from the engine'
}
