import './e2.css'
import { a } from './a.js'
console.log('e2', a)
