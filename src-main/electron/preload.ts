// Exposes only the tRPC message bridge (window.electronTRPC: sendMessage/onMessage) through
// contextBridge. No Node API reaches the page; main validates every message with the contract.
import { exposeElectronTRPC } from 'trpc-electron/main';

exposeElectronTRPC();
