import 'vite/modulepreload-polyfill'
import './admin.css'
import { greet } from './shared.js'
import smallUrl from './assets/small.png'

const admin = document.getElementById('admin')
admin.innerHTML = `
  <h1 class="title">Admin</h1>
  <p class="shared">${greet('admin')}</p>
  <img id="small" alt="small" src="${smallUrl}">
  <div class="banner" id="admin-banner"></div>
`
window.__adminReady = true
