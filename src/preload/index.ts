import { contextBridge, ipcRenderer } from 'electron';
import type { DeskClient, EventName } from '../shared/rpc/contract.js';
import { IPC_EVENT, IPC_INVOKE } from '../shared/rpc/ipc-channels.js';

/**
 * The sandboxed bridge: ONE object, `window.jetway`, that satisfies the contract's client
 * type. The renderer never sees `ipcRenderer`; it can only invoke contract channels (main
 * validates every argument) and listen to the two contract events.
 */
const jetway = {
  invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request),
  on(event: EventName, listener: (payload: never) => void) {
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
} satisfies DeskClient;

contextBridge.exposeInMainWorld('jetway', jetway);
