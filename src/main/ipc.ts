import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../shared/rpc/contract.js';
import type { Desk } from './services.js';

/**
 * Serves the RPC contract over Electron IPC (shell only). The same `dispatch` as web mode:
 * it validates the channel and every renderer argument with zod before a service runs.
 * Calls from any frame other than our own window's main frame are refused.
 */
export function serveIpc(desk: Desk, win: BrowserWindow): () => void {
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, request: unknown) => {
    if (event.sender !== win.webContents || event.senderFrame !== win.webContents.mainFrame) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'calls are accepted from the desk window only' } };
    }
    return desk.dispatch(channel, request);
  });
  const off = desk.onEvent((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    off();
  };
}
