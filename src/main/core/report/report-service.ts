// Size reports of images open in this process: one image, or two compared. The comparison
// comes from CompareService (its kept diff), never from diffing again here.
import type { Comparison } from '../../../shared/models/compare'
import type { DockerfileAnalysis } from '../../../shared/models/dockerfile'
import type { ReportFormat, ReportOutput, ReportRequest } from '../../../shared/models/report'
import type { AnalyzedImage } from '../analysis/analyzed-image'
import type { CompareService } from '../compare/compare-service'
import { throwIfCancelled } from '../errors'
import { writeFileAtomic } from './atomic-write'
import { biggestDirectories } from './dir-sizes'
import { renderReport } from './render-report'

export interface SaveDialogOptions {
  title: string
  defaultPath: string
  filters: { name: string; extensions: string[] }[]
}

/** What saving and copying a report need of the desktop (the Desktop port in src/main/api fits). */
export interface ReportDesktop {
  /** Throws INVALID_INPUT saying the feature is desktop-only when there is no desktop (browser, CLI). */
  ensure(feature: 'save' | 'copy'): void
  /** The path picked in the native save dialog, or null when the user cancelled. */
  saveDialog(options: SaveDialogOptions): Promise<string | null>
  copyPng(png: Buffer): Promise<void>
}

export interface ReportServiceDeps {
  images: () => { get(key: string): Pick<AnalyzedImage, 'analysis' | 'finalEntries'> }
  compare: () => Pick<CompareService, 'comparison'>
  /** The Dockerfile analysis a report includes (with measured sizes of an earlier build). */
  dockerfile: (path: string, signal: AbortSignal) => Promise<DockerfileAnalysis>
  desktop: ReportDesktop
  /** resources/fonts: the only fonts a PNG may use. */
  fontsDir: string
  /** "Layerscope 0.1.0", printed in the report's footer. */
  generator: string
}

export interface ReportJob {
  signal: AbortSignal
  /** Human text of the step under way (phase 'report'). */
  onStep?: (message: string) => void
}

const FILTERS: Record<ReportFormat, { name: string; extensions: string[] }> = {
  png: { name: 'PNG image', extensions: ['png'] },
  svg: { name: 'SVG image', extensions: ['svg'] },
  json: { name: 'JSON', extensions: ['json'] },
  md: { name: 'Markdown', extensions: ['md'] }
}

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  async render(req: ReportRequest, job: ReportJob): Promise<ReportOutput> {
    const step = job.onStep ?? (() => undefined)
    const images = this.deps.images()
    const a = images.get(req.a)
    const b = req.b ? images.get(req.b) : undefined
    let dockerfile: DockerfileAnalysis | undefined
    if (req.dockerfile) {
      step('Reading the Dockerfile')
      dockerfile = await this.deps.dockerfile(req.dockerfile, job.signal)
    }
    throwIfCancelled(job.signal)
    step(b ? 'Comparing the final filesystems' : 'Summing directories')
    const comparison: Comparison | undefined = b ? this.deps.compare().comparison(req.a, req.b!, job.signal) : undefined
    const directories = b ? undefined : biggestDirectories(a.finalEntries())
    throwIfCancelled(job.signal)
    step('Drawing the report')
    return renderReport(
      {
        a: a.analysis,
        ...(b ? { b: b.analysis, comparison } : {}),
        ...(directories ? { directories } : {}),
        ...(dockerfile ? { dockerfile } : {}),
        generator: this.deps.generator
      },
      { format: req.format, theme: req.theme, width: req.width, fontsDir: this.deps.fontsDir }
    )
  }

  /** Renders, asks where to save in the native dialog, writes atomically; null path when cancelled. */
  async save(req: ReportRequest, job: ReportJob): Promise<{ path: string | null }> {
    this.deps.desktop.ensure('save')
    const out = await this.render(req, job)
    const path = await this.deps.desktop.saveDialog({ title: 'Save the size report', defaultPath: out.suggestedName, filters: [FILTERS[out.format]] })
    if (!path) return { path: null }
    await writeFileAtomic(path, out.encoding === 'base64' ? Buffer.from(out.data, 'base64') : out.data)
    return { path }
  }

  /** Renders as PNG and puts the picture on the clipboard. */
  async copy(req: ReportRequest, job: ReportJob): Promise<{ copied: boolean }> {
    this.deps.desktop.ensure('copy')
    const out = await this.render({ ...req, format: 'png' }, job)
    await this.deps.desktop.copyPng(Buffer.from(out.data, 'base64'))
    return { copied: true }
  }
}
