import 'vite/modulepreload-polyfill'
import './main.css'
import { greet } from './shared.js'
import { title } from './data.json'
import bigUrl from './assets/big.png'

const app = document.getElementById('app')
app.innerHTML = `
  <h1 class="title">${title}</h1>
  <p class="shared">${greet('main')}</p>
  <img id="big" alt="big" src="${bigUrl}">
  <div class="icon" id="main-icon"></div>
`

// Called by the test: loads the lazy chunk (and its CSS) on demand.
window.loadLazy = () => import('./views/lazy.js').then((m) => m.render())
window.__mainReady = true
