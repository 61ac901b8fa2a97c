import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Static files for the server to serve at `/`. Views load lazily so the first page carries only the
// shell; no inline scripts or styles, so the server's CSP can forbid them.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
})
