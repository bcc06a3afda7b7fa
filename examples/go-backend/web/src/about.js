import 'vite/modulepreload-polyfill'
import './about.css'
import { footer } from './shared.js'

footer('about')
window.__appReady = true
