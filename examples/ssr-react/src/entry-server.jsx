import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import { App } from './App.jsx'

// render returns the app's HTML for url; the Go server puts it into index.html.
export function render(url) {
  return renderToString(
    <StrictMode>
      <App url={url} />
    </StrictMode>,
  )
}
