import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The citizen app, served by the signalling/sandbox server under /citizen/.
export default defineConfig({
  root: 'src-citizen',
  base: '/citizen/',
  plugins: [react()],
  build: { outDir: '../dist/citizen', emptyOutDir: true, sourcemap: true, target: ['chrome110', 'safari16', 'firefox115'] },
});
