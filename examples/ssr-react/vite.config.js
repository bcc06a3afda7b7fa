import react from '@vitejs/plugin-react'

// The same config works with Vite 8. govite builds both environments with `govite build --app`.
export default {
  plugins: [react()],
  appType: 'custom',
  // The server code runs on govite's embedded JS engine, a runtime without Node's APIs (like a
  // worker): it resolves packages' web builds, and the server build bundles React, so production
  // needs no node_modules and no Node.
  ssr: { target: 'webworker', noExternal: true },
  environments: {
    client: {
      build: { outDir: 'dist/client', manifest: true, ssrManifest: true },
    },
    ssr: {
      build: { outDir: 'dist/server', rollupOptions: { input: 'src/entry-server.jsx' } },
    },
  },
  builder: {},
}
