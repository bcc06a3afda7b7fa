import './shared.css'

export function greet(who) {
  return `Hello from ${who}`
}
