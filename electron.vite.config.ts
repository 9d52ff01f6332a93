import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { NATIVE_DEPS } from './src/main/native-deps.js';

// main + preload are bundled for Electron (the preload as CommonJS: sandboxed preloads cannot be ESM); native modules stay external (loaded from
// node_modules). The renderer is a plain web build: the same out/renderer serves web mode.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/main/index.ts') }, external: [...NATIVE_DEPS] },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    base: './',
    plugins: [react()],
    build: { outDir: resolve(import.meta.dirname, 'out/renderer'), emptyOutDir: true, rollupOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') } },
  },
});
