import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// The base styles first, so each feature's own CSS (imported by its components) refines them.
import './styles.css'
import { App } from './App'
import './lib/app-commands'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
