/** What the Electron preload exposes besides the API bridge (absent in browser mode). */
declare global {
  interface Window {
    skaermrum?: { printReport?: () => Promise<{ saved: string | null }> };
  }
}
export {};
