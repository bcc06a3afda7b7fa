import classes from './card.module.css'
import { appName } from './config.json'

const title = document.querySelector<HTMLHeadingElement>('#title')!
title.textContent = `${appName} (${import.meta.env.MODE})`

const view = document.querySelector<HTMLElement>('#view')!
view.innerHTML = `<section class="${classes.card}">Built by govite: hashed files, CSS per chunk, and a lazy view.</section>`

document.querySelector('#open-about')!.addEventListener('click', async () => {
  // A dynamic import: its chunk and its CSS are loaded only now.
  const { renderAbout } = await import('./routes/about')
  renderAbout(view)
})
