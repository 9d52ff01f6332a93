/**
 * Native modules: one list feeding the bundler's externals (electron.vite.config.ts) and, when
 * packaging lands, electron-builder's `files`/`asarUnpack`. They load from node_modules at run
 * time and must be built for the runtime that loads them (Node in tests, Electron in the app).
 */
export const NATIVE_DEPS = ['better-sqlite3-multiple-ciphers'] as const;
