import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// The base styles first, so each feature's own CSS (imported by its components) refines them.
import './styles.css'
import { App } from './App'
import { api } from './api'
import { useApp } from './stores'

// Progress events for every long job go through the store (one subscription for the app).
api?.on('job:progress', (p) => useApp.getState().onJobProgress(p))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
