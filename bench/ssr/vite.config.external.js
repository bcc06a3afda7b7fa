import react from '@vitejs/plugin-react'

// The SSR example's config (examples/ssr-react/vite.config.js) as Vite's SSR guide sets up a server
// environment that runs in Node: dependencies are left to Node (Vite's default SSR externals), so React
// is imported from node_modules by Node, with its Node build of react-dom/server, and nothing is
// pre-bundled for the ssr environment. bench/run-ssr.sh uses it for govite's Node runner and Vite 8.
export default {
  plugins: [react()],
  appType: 'custom',
}
