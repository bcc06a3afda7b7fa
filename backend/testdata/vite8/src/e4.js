import { c } from './c.js'
import './theme.css'
console.log('e4', c)
