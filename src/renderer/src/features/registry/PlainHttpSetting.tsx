// "Plain HTTP allowed for": the registries the backend may speak to without TLS (the app's form of
// docker's --insecure-registry), saved by the backend in settings.json. Folded away by default:
// it is a risk to take knowingly, so the warning sits beside the list.
import { useEffect, useState } from 'react'
import { Button } from '../../components/Button'
import { call, toApiError } from '../../lib/call'

export function PlainHttpSetting(): React.JSX.Element {
  const [hosts, setHosts] = useState<string[] | null>(null)
  const [input, setInput] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    let live = true
    call('settings:get', {})
      .then((s) => live && setHosts(s.insecureRegistries))
      .catch((e: unknown) => {
        if (!live) return
        // A broken settings file: say so, and let the person set the list again (that rewrites it).
        setHosts([])
        setError(toApiError(e).message)
      })
    return () => {
      live = false
    }
  }, [])

  const save = async (next: string[]): Promise<boolean> => {
    setSaving(true)
    try {
      const s = await call('settings:set', { insecureRegistries: next })
      setHosts(s.insecureRegistries)
      setError(null)
      return true
    } catch (e) {
      setError(toApiError(e).message)
      return false
    } finally {
      setSaving(false)
    }
  }
  const add = async (): Promise<void> => {
    // A pasted reference or URL is cut down to its host here; the backend checks what is left.
    const host = input.trim().replace(/^registry:\/\//i, '')
    if (!host) return setError('Type a registry host: HOST or HOST:PORT, e.g. registry.lan:5000.')
    if (await save([...(hosts ?? []), host])) setInput('')
  }

  const count = hosts?.length ?? 0
  return (
    <details className="plain-http" data-testid="plain-http">
      <summary>
        Plain HTTP allowed for{count ? ` (${count})` : ''}
        {count > 0 && <span className="plain-http-names mono">{hosts!.join(', ')}</span>}
      </summary>
      <p className="plain-http-warning" role="note">
        <strong>Unencrypted:</strong> to these registries, images, tokens and passwords travel in plain text and their certificates are not checked, so anyone on the network path can read
        or change them. Add only registries you run on a network you trust. Loopback registries (127.0.0.1, localhost) need no entry.
      </p>
      {hosts && hosts.length > 0 && (
        <ul className="plain-http-list" data-testid="plain-http-list">
          {hosts.map((h) => (
            <li key={h}>
              <span className="mono">{h}</span>
              <Button variant="ghost" size="sm" disabled={saving} onClick={() => void save(hosts.filter((x) => x !== h))} aria-label={`Remove ${h}`} data-testid={`plain-http-remove-${h}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="plain-http-add"
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <input
          type="text"
          className="input mono"
          placeholder="HOST[:PORT], e.g. registry.lan:5000"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          aria-label="Registry host to allow plain HTTP for"
          data-testid="plain-http-host"
        />
        <Button type="submit" disabled={saving || hosts === null} data-testid="plain-http-add">
          Allow plain HTTP
        </Button>
      </form>
      {error && (
        <div className="form-error" data-testid="plain-http-error">
          {error}
        </div>
      )}
    </details>
  )
}
