import 'vite/modulepreload-polyfill'
import './main.css'
import { footer } from './shared.js'
import { greeting } from './greeting.js'
import gopherURL from './images/gopher.png'

function renderGreeting(text) {
  document.getElementById('greeting').textContent = text
}
renderGreeting(greeting)
footer('home')

// The template renders the image with {{ viteAsset }}; this one comes from the JS import.
const img = document.createElement('img')
img.id = 'gopher-js'
img.alt = 'gopher'
img.src = gopherURL
document.getElementById('gallery').append(img)

// A lazy chunk (with its own CSS), loaded on demand.
document.getElementById('load-lazy').addEventListener('click', async () => {
  const { render } = await import('./lazy.js')
  render(document.getElementById('lazy'))
})

// Edits to greeting.js are applied without reloading the page.
if (import.meta.hot) {
  import.meta.hot.accept('./greeting.js', (mod) => {
    if (mod) renderGreeting(mod.greeting)
  })
}
window.__appReady = true
