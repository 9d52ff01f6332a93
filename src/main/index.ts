/**
 * Electron shell: the only desk module that imports `electron`. Everything it wires is a plain
 * Node service built by the composition root (services.ts) and testable without Electron.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, safeStorage, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { readAuthEnv } from './auth/config.js';
import { readDeskEnv } from './config.js';
import { electronKeyProvider } from './db/keys.js';
import { DatabaseKeyError } from './db/open.js';
import { serveIpc } from './ipc.js';
import { decideExternalUrl } from './open-external.js';
import { createDesk, type Desk } from './services.js';

const here = path.dirname(fileURLToPath(import.meta.url));

let desk: Desk | null = null;

/**
 * Electron's print path for a voucher (`voucher:print`): the desk window prints itself; its print
 * CSS shows only the open voucher (src/renderer/src/components/VoucherPrintView.tsx). The system
 * dialog picks the printer; a receipt printer gets an 80 mm page, any other the printer's A4/Letter.
 */
function printWindow(win: BrowserWindow | null, format: 'page' | 'receipt'): Promise<{ printed: boolean; reason: string | null }> {
  if (!win || win.isDestroyed()) return Promise.resolve({ printed: false, reason: 'no desk window' });
  return new Promise((resolve) => {
    win.webContents.print(
      {
        silent: false,
        printBackground: true,
        ...(format === 'receipt' ? { pageSize: { width: 80_000, height: 240_000 }, margins: { marginType: 'none' as const } } : {}),
      },
      (printed, reason) => resolve({ printed, reason: printed ? null : reason || 'cancelled' }),
    );
  });
}

async function createWindow(): Promise<void> {
  const env = readDeskEnv();
  const dataDir = path.join(app.getPath('userData'), 'desk');
  let win: BrowserWindow | null = null;
  desk = createDesk({
    dataDir,
    print: (format) => printWindow(win, format),
    apiUrl: env.JETWAY_API_URL,
    cognito: env.JETWAY_COGNITO,
    adminStations: env.JETWAY_ADMIN_STATIONS,
    auth: readAuthEnv(),
    // A safeStorage-wrapped key with a real OS key store (not Linux's basic_text), else a key
    // derived from the desk secret; never a plaintext database (src/main/db/keys.ts).
    keyProvider: electronKeyProvider({
      dir: dataDir,
      safeStorage,
      secret: () => env.JETWAY_DESK_SECRET ?? null,
    }),
    // An Electron-ABI build of the SQLite addon (e.g. from @electron/rebuild at packaging);
    // without it the Node build in node_modules is used, which only works if ABIs match.
    ...(env.JETWAY_SQLITE_BINDING ? { nativeBinding: env.JETWAY_SQLITE_BINDING } : {}),
  });
  win = new BrowserWindow({
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
  // The window itself never opens another or navigates away; a link goes to the OS only if it
  // is https/mailto to an allow-listed host (src/main/open-external.ts), else it is dropped.
  const openOutside = (url: string): void => {
    const d = decideExternalUrl(url, env.JETWAY_EXTERNAL_HOSTS);
    if (d.allow) void shell.openExternal(d.url);
    else console.warn(`[desk] link not opened (${d.reason})`);
  };
  win.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    e.preventDefault();
    openOutside(url);
  });
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
    // A key problem (wrong desk secret, no key store) is the user's to fix: say how.
    if (err instanceof DatabaseKeyError) dialog.showErrorBox('Jetway cannot open the desk database', err.message);
    app.exit(1);
  });

app.on('window-all-closed', () => {
  void (desk?.close() ?? Promise.resolve()).finally(() => {
    if (process.platform !== 'darwin') app.quit();
  });
});
