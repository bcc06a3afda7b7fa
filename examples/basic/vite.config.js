import { defineConfig } from 'vite'

// Backend-integration setup: no index.html, two JS entries, and a manifest
// that the backend (or the test) reads to render <script>/<link> tags.
export default defineConfig({
  build: {
    manifest: true,
    rollupOptions: {
      input: {
        main: 'src/main.js',
        admin: 'src/admin.js',
      },
    },
  },
})
