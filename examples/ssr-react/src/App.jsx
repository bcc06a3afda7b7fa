import { useState } from 'react'
import './App.css'
import { Greeting } from './Greeting.jsx'

export function App({ url }) {
  const [count, setCount] = useState(0)
  return (
    <main>
      <Greeting />
      <p className="url">rendered for {url}</p>
      <button onClick={() => setCount((c) => c + 1)}>count is {count}</button>
    </main>
  )
}
