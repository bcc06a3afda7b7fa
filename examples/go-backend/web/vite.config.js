import { defineConfig } from 'vite'

// The frontend of a Go app that renders its own HTML (Vite's backend integration): JS entries instead
// of index.html, and a manifest the Go app reads to render <script> and <link> tags.
export default defineConfig({
  server: {
    port: 5173,
    strictPort: true,
    // Asset URLs in modules and CSS (images, fonts) point at the dev server, not at the Go app's
    // origin that the page comes from.
    origin: 'http://localhost:5173',
    // The dev server writes its URL into web/hot while it runs; the Go app (backend.Config.HotFile)
    // switches to development tags while the file exists.
    hotFile: 'hot',
  },
  build: {
    manifest: true,
    rollupOptions: {
      input: ['src/main.js', 'src/about.js'],
    },
  },
})
