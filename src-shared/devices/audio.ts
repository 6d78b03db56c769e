/**
 * Microphone level analysis for the device check: is anything coming in, is it clipping, and did
 * the staff member say something? Works on windows of time-domain samples (-1…1).
 */
export interface AudioWindow {
  /** Root mean square level, 0…1. */
  rms: number;
  /** Largest absolute sample, 0…1. */
  peak: number;
  /** Share of samples at full scale. */
  clipped: number;
}

export type MicFinding = 'ok' | 'silent' | 'clipping';

export const AUDIO_LIMITS = {
  /** Below this the microphone delivers nothing (a live microphone hears the room above it). */
  silentDb: -70,
  /** Speech at a headset microphone is well above this. */
  speechDb: -40,
  /** Windows with more than this share of full-scale samples are clipping. */
  clippedShare: 0.01,
  clipLevel: 0.99,
} as const;

export function analyseSamples(samples: ArrayLike<number>): AudioWindow {
  let sumSq = 0;
  let peak = 0;
  let clipped = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i] ?? 0);
    sumSq += v * v;
    if (v > peak) peak = v;
    if (v >= AUDIO_LIMITS.clipLevel) clipped++;
  }
  const n = Math.max(1, samples.length);
  return { rms: Math.sqrt(sumSq / n), peak, clipped: clipped / n };
}

/** Level in dBFS; digital silence is -Infinity. */
export const dbfs = (rms: number) => (rms > 0 ? 20 * Math.log10(rms) : Number.NEGATIVE_INFINITY);

/** 0…1 for a level meter: -60 dBFS and below is empty, 0 dBFS is full. */
export const meterLevel = (rms: number) => Math.min(1, Math.max(0, (dbfs(rms) + 60) / 60));

export function judgeMicrophone(windows: readonly AudioWindow[]): MicFinding {
  if (windows.length === 0) return 'silent';
  const clippingWindows = windows.filter((w) => w.clipped > AUDIO_LIMITS.clippedShare).length;
  if (clippingWindows >= Math.max(1, Math.ceil(windows.length * 0.1))) return 'clipping';
  const loudest = Math.max(...windows.map((w) => dbfs(w.rms)));
  return loudest < AUDIO_LIMITS.silentDb ? 'silent' : 'ok';
}

/** "Sig noget": speech is heard when enough consecutive windows are at speech level. */
export function speechHeard(windows: readonly AudioWindow[], consecutive = 3): boolean {
  let run = 0;
  for (const w of windows) {
    run = dbfs(w.rms) >= AUDIO_LIMITS.speechDb ? run + 1 : 0;
    if (run >= consecutive) return true;
  }
  return false;
}
