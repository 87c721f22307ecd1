/**
 * The renderer's Content-Security-Policy, the same in Electron (session headers) and `serve`
 * (response headers), and as strict as index.html's meta tag: only our own scripts, no eval,
 * no plugins, no framing, network only to our own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React and recharts set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
