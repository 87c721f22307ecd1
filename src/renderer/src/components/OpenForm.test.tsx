// The open form's markup: the field, the dialog's own buttons, Open, then the error or the hint.
import { describe, expect, it } from 'vitest'
import { renderToStaticMarkup } from 'react-dom/server'
import { OpenForm } from './OpenForm'

const base = { value: '/x.tar', onChange: () => {}, onSubmit: () => {}, placeholder: 'path', label: 'Archive path', testId: 'archive-path' }

describe('OpenForm', () => {
  it('puts the dialog buttons between the field and Open, and the hint below', () => {
    const html = renderToStaticMarkup(
      <OpenForm {...base} error={null} hint="drop a file" openTestId="go">
        <button type="button">Browse…</button>
      </OpenForm>
    )
    expect(html).toMatch(/^<form class="open-archive"><input type="text" class="input mono" placeholder="path" aria-label="Archive path" data-testid="archive-path" value="\/x.tar"\/><button type="button">Browse…<\/button><button type="submit" class="btn btn-primary btn-md" data-testid="go">Open<\/button><div class="hint muted">drop a file<\/div><\/form>$/)
  })
  it('shows the error; the hint only when the caller still gives one', () => {
    const withBoth = renderToStaticMarkup(<OpenForm {...base} compact error="No such file." hint="drop a file" />)
    expect(withBoth).toContain('<form class="open-archive compact">')
    expect(withBoth).toContain('<div class="form-error">No such file.</div><div class="hint muted">drop a file</div>')
    const errorOnly = renderToStaticMarkup(<OpenForm {...base} error="No such file." hint={false} />)
    expect(errorOnly).toContain('<div class="form-error">No such file.</div></form>')
    expect(errorOnly).not.toContain('hint')
  })
})
