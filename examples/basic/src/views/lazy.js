import './lazy.css'
import { greet } from '../shared.js'

export function render() {
  const el = document.createElement('p')
  el.className = 'lazy'
  el.id = 'lazy'
  el.textContent = `${greet('lazy')} (lazy view loaded)`
  document.getElementById('app').appendChild(el)
}
