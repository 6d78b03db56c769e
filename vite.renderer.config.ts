import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The staff client. Relative base: the same build is served from app:// (Electron) and http://127.0.0.1 (browser mode).
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome130',
  },
});
