// Exposes only the tRPC message bridge (window.electronTRPC: sendMessage/onMessage) through
// contextBridge, and one call of the shell's own: the report as an A4 PDF (printToPDF). No Node
// API reaches the page; main validates every message with the contract.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeElectronTRPC } from 'trpc-electron/main';

exposeElectronTRPC();
contextBridge.exposeInMainWorld('skaermrum', {
  printReport: (): Promise<{ saved: string | null }> => ipcRenderer.invoke('skaermrum:print-report'),
});
