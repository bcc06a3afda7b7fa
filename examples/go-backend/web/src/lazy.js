import './lazy.css'

export function render(el) {
  el.textContent = 'Loaded lazily'
  el.classList.add('lazy-loaded')
}
