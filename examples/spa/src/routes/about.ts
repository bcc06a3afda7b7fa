import './about.css'

export function renderAbout(el: HTMLElement): void {
  const p = document.createElement('p')
  p.className = 'about'
  p.id = 'about'
  p.textContent = 'The about view came from a lazy chunk with its own stylesheet.'
  el.appendChild(p)
}
