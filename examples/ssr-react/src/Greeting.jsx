export function Greeting() {
  return <h1 className="greeting">Hello from govite SSR</h1>
}
