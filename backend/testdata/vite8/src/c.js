import './c.css'
export const c = 'c'
