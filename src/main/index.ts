/**
 * Electron shell: the only desk module that imports `electron`. Everything it wires is a plain
 * Node service built by the composition root (services.ts) and testable without Electron.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, safeStorage, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { readDeskEnv } from './config.js';
import { serveIpc } from './ipc.js';
import { createDesk, type Desk } from './services.js';
import type { KeyProvider } from './db/open.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The SQLCipher key: random, generated once, stored only wrapped by the OS keychain via
 * safeStorage. Where safeStorage is unavailable (e.g. Linux without a keyring) the cache stays
 * unencrypted and we say so in the log, rather than keeping a plaintext key next to the data.
 */
function safeStorageKey(dir: string): KeyProvider {
  return {
    getKey() {
      if (!safeStorage.isEncryptionAvailable()) {
        console.warn('[desk] safeStorage unavailable: the desk cache is NOT encrypted on this machine');
        return null;
      }
      const file = path.join(dir, 'desk.key');
      if (fs.existsSync(file)) return safeStorage.decryptString(fs.readFileSync(file));
      const key = crypto.randomBytes(32).toString('hex');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, safeStorage.encryptString(key), { mode: 0o600 });
      return key;
    },
  };
}

let desk: Desk | null = null;

async function createWindow(): Promise<void> {
  const env = readDeskEnv();
  const dataDir = path.join(app.getPath('userData'), 'desk');
  desk = createDesk({
    dataDir,
    apiUrl: env.JETWAY_API_URL,
    cognito: env.JETWAY_COGNITO,
    adminStations: env.JETWAY_ADMIN_STATIONS,
    keyProvider: safeStorageKey(dataDir),
    // An Electron-ABI build of the SQLite addon (e.g. from @electron/rebuild at packaging);
    // without it the Node build in node_modules is used, which only works if ABIs match.
    ...(env.JETWAY_SQLITE_BINDING ? { nativeBinding: env.JETWAY_SQLITE_BINDING } : {}),
  });
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'Jetway',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
  const stopIpc = serveIpc(desk, win);
  win.on('closed', stopIpc);
  win.once('ready-to-show', () => win.show());
  // Links open in the system browser; the window itself never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) await win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else await win.loadFile(path.join(here, '../renderer/index.html'));
}

function checkForUpdates(): void {
  // Only packaged builds update; in dev there is no feed and nothing to replace.
  if (!app.isPackaged) return;
  electronUpdater.autoUpdater
    .checkForUpdatesAndNotify()
    .catch((err: unknown) => console.warn('[desk] update check failed:', err));
}

app
  .whenReady()
  .then(async () => {
    await createWindow();
    checkForUpdates();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createWindow();
    });
  })
  .catch((err: unknown) => {
    console.error('[desk] failed to start:', err);
    app.exit(1);
  });

app.on('window-all-closed', () => {
  void (desk?.close() ?? Promise.resolve()).finally(() => {
    if (process.platform !== 'darwin') app.quit();
  });
});
