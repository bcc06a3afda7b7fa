// Built once with Vite 8.3.8 to produce dist/ (see README.md).
import { defineConfig } from 'vite'
export default defineConfig({
  base: '/static/',
  build: {
    manifest: true,
    assetsInlineLimit: 0,
    rollupOptions: { input: ['e1.html', 'e2.html', 'e3.html', 'e4.html', 'src/style.css'] },
  },
})
