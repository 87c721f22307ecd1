// "Open from registry…": a reference field (recent references offered), Open, and the
// repository's tags so a person can open one or tick two and compare them. No engine needed.
// Below them, the registries allowed plain HTTP (the app's --insecure-registry).
import { useState } from 'react'
import { Button } from '../../components/Button'
import { OpenForm } from '../../components/OpenForm'
import { call, toApiError } from '../../lib/call'
import { useApp } from '../../stores'
import { PlainHttpSetting } from './PlainHttpSetting'
import { formatCount } from '../../../../shared/format'
import { repositoryOf } from '../../../../shared/reference-parts'
import { recentRefs, refFromInput, rememberRef } from './recent'
import './registry.css'

export function OpenRegistryForm({ autoFocus }: { autoFocus?: boolean }): React.JSX.Element {
  const openImage = useApp((s) => s.openImage)
  const startCompare = useApp((s) => s.startCompare)
  const [input, setInput] = useState('')
  const [recent, setRecent] = useState(recentRefs)
  const [error, setError] = useState<string | null>(null)
  const [tags, setTags] = useState<{ repository: string; tags: string[] } | null>(null)
  const [picked, setPicked] = useState<string[]>([])
  const [loadingTags, setLoadingTags] = useState(false)

  const open = (ref: string): void => {
    if (!ref) return setError('Type a reference: registry://HOST[:PORT]/REPO[:TAG], e.g. registry://127.0.0.1:5000/app:1.')
    setError(null)
    setRecent(rememberRef(ref))
    void openImage({ kind: 'registry', ref }, `registry://${ref}`)
  }
  const listTags = async (): Promise<void> => {
    const ref = refFromInput(input)
    if (!ref) return setError('Type a repository first: registry://HOST[:PORT]/REPO.')
    setError(null)
    setLoadingTags(true)
    try {
      setTags(await call('registry:tags', { ref: repositoryOf(ref).repository }))
      setPicked([])
    } catch (e) {
      setTags(null)
      setError(toApiError(e).message)
    } finally {
      setLoadingTags(false)
    }
  }
  const toggle = (t: string): void => setPicked((p) => (p.includes(t) ? p.filter((x) => x !== t) : [...p, t].slice(-2)))
  const compare = (): void => {
    if (!tags || picked.length !== 2) return
    const [a, b] = picked.map((t) => `${tags.repository}:${t}`) as [string, string]
    setRecent(rememberRef(b))
    setRecent(rememberRef(a))
    void startCompare({ kind: 'registry', ref: a }, { kind: 'registry', ref: b })
  }

  return (
    <div className="open-registry" data-testid="open-registry">
      <OpenForm
        value={input}
        onChange={setInput}
        onSubmit={() => open(refFromInput(input))}
        placeholder="registry://HOST[:PORT]/REPO[:TAG|@DIGEST]"
        label="Registry reference"
        testId="registry-ref"
        autoFocus={autoFocus}
        list="registry-recent"
        openTestId="registry-open"
        error={error}
        hint={!error && 'Read straight from the registry: no engine, no pull. Layers already known are never downloaded again.'}
      >
        <datalist id="registry-recent">
          {recent.map((r) => (
            <option key={r} value={`registry://${r}`} />
          ))}
        </datalist>
        <Button onClick={() => void listTags()} disabled={loadingTags} data-testid="registry-list-tags" title="List the repository's tags">
          {loadingTags ? 'Listing…' : 'Tags'}
        </Button>
      </OpenForm>
      {tags && (
        <div className="registry-tags" data-testid="registry-tags">
          <div className="registry-tags-head">
            <span className="mono">{tags.repository}</span>
            <span className="muted">
              {formatCount(tags.tags.length, 'tag')} · tick two to compare
            </span>
            <Button variant="primary" size="sm" disabled={picked.length !== 2} onClick={compare} data-testid="registry-compare">
              Compare{picked.length ? ` (${picked.length}/2)` : ''}
            </Button>
          </div>
          {tags.tags.length === 0 && <div className="muted">This repository has no tags.</div>}
          <ul>
            {tags.tags.map((t) => (
              <li key={t}>
                <label>
                  <input type="checkbox" checked={picked.includes(t)} onChange={() => toggle(t)} data-testid={`registry-tag-${t}`} />
                  <span className="mono">{t}</span>
                </label>
                <Button variant="ghost" size="sm" onClick={() => open(`${tags.repository}:${t}`)}>
                  Open
                </Button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <PlainHttpSetting />
    </div>
  )
}
