import './e1.css'
import { a } from './a.js'
import { b } from './b.js'
console.log('e1', a, b)
import('./lazy.js').then((m) => m.lazy())
