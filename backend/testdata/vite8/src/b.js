import './b.css'
import { c } from './c.js'
export const b = 'b' + c
