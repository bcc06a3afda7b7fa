import './a.css'
import { c } from './c.js'
export const a = 'a' + c
