import { b } from './b.js'
console.log('e3', b)
