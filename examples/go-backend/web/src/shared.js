import './shared.css'

// Imported by both entries, so the build puts it (and shared.css) in a shared chunk.
export function footer(page) {
  const el = document.getElementById('footer')
  if (el) el.textContent = `Rendered by Go, enhanced by Vite (${page})`
}
