/**
 * Camera frame analysis for the device check: is the picture black, too dark, backlit ("sollys i
 * ryggen": a bright background behind a dark face) or frozen? Works on small greyscale frames
 * (one luma byte per pixel), so it is cheap enough to run on every check.
 */
export interface LumaFrame {
  width: number;
  height: number;
  /** Rec. 601 luma, 0–255, row by row. */
  luma: Uint8Array;
}

export interface FrameStats {
  mean: number;
  stdDev: number;
  /** Mean of the middle of the picture, where the face is. */
  centre: number;
  /** Mean of the outer ring of the picture (the background). */
  border: number;
}

export type CameraFinding = 'ok' | 'black' | 'dark' | 'backlit' | 'frozen';

/** Thresholds, in luma units (0–255). */
export const FRAME_LIMITS = {
  blackMean: 12,
  blackStdDev: 5,
  darkMean: 55,
  backlitBorder: 165,
  backlitGap: 70,
  /** Mean absolute change between consecutive frames below which the picture is still. */
  frozenChange: 0.4,
} as const;

export function lumaFromRgba(rgba: ArrayLike<number>, width: number, height: number): LumaFrame {
  const luma = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < luma.length; i++, p += 4) {
    luma[i] = Math.round(0.299 * (rgba[p] ?? 0) + 0.587 * (rgba[p + 1] ?? 0) + 0.114 * (rgba[p + 2] ?? 0));
  }
  return { width, height, luma };
}

export function frameStats(frame: LumaFrame): FrameStats {
  const { width, height, luma } = frame;
  let sum = 0;
  let sumSq = 0;
  let centreSum = 0;
  let centreN = 0;
  let borderSum = 0;
  let borderN = 0;
  // Centre: the middle 40 % across and 60 % down. Border: the outer 15 % on every side.
  const cx0 = width * 0.3,
    cx1 = width * 0.7,
    cy0 = height * 0.2,
    cy1 = height * 0.8;
  const bx = width * 0.15,
    by = height * 0.15;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = luma[y * width + x] ?? 0;
      sum += v;
      sumSq += v * v;
      if (x >= cx0 && x < cx1 && y >= cy0 && y < cy1) {
        centreSum += v;
        centreN++;
      } else if (x < bx || x >= width - bx || y < by || y >= height - by) {
        borderSum += v;
        borderN++;
      }
    }
  }
  const n = Math.max(1, width * height);
  const mean = sum / n;
  return {
    mean,
    stdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    centre: centreN ? centreSum / centreN : mean,
    border: borderN ? borderSum / borderN : mean,
  };
}

/** Mean absolute per-pixel change between two frames of the same size. */
export function frameChange(a: LumaFrame, b: LumaFrame): number {
  if (a.width !== b.width || a.height !== b.height) return Number.POSITIVE_INFINITY;
  let diff = 0;
  for (let i = 0; i < a.luma.length; i++) diff += Math.abs((a.luma[i] ?? 0) - (b.luma[i] ?? 0));
  return diff / Math.max(1, a.luma.length);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * The camera's verdict from a few frames taken over about half a second. Order matters: a black
 * picture is also dark and still, and a dark one is reported before "frozen" (a dim room has little
 * change between frames, and light is the usual fix).
 */
export function judgeFrames(frames: readonly LumaFrame[]): { finding: CameraFinding; stats: FrameStats | null } {
  if (frames.length === 0) return { finding: 'black', stats: null };
  const all = frames.map(frameStats);
  const stats: FrameStats = {
    mean: median(all.map((s) => s.mean)),
    stdDev: median(all.map((s) => s.stdDev)),
    centre: median(all.map((s) => s.centre)),
    border: median(all.map((s) => s.border)),
  };
  if (stats.mean < FRAME_LIMITS.blackMean && stats.stdDev < FRAME_LIMITS.blackStdDev) return { finding: 'black', stats };
  if (stats.mean < FRAME_LIMITS.darkMean) return { finding: 'dark', stats };
  if (stats.border > FRAME_LIMITS.backlitBorder && stats.border - stats.centre > FRAME_LIMITS.backlitGap) return { finding: 'backlit', stats };
  if (frames.length >= 3) {
    let maxChange = 0;
    for (let i = 1; i < frames.length; i++) maxChange = Math.max(maxChange, frameChange(frames[i - 1] as LumaFrame, frames[i] as LumaFrame));
    if (maxChange < FRAME_LIMITS.frozenChange) return { finding: 'frozen', stats };
  }
  return { finding: 'ok', stats };
}
