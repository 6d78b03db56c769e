/**
 * Keeping the display on during a call. The Electron shell provides it (powerSaveBlocker); in
 * browser mode there is none and the page uses the Wake Lock API itself.
 */
export interface ScreenAwake {
  /** Returns whether the display is now held on. */
  hold(): boolean;
  release(): void;
}
