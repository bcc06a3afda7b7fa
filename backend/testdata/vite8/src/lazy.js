import './lazy.css'
import { c } from './c.js'
export function lazy() { return c }
