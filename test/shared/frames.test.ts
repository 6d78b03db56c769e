import { describe, expect, it } from 'vitest';
import { frameChange, frameStats, judgeFrames, lumaFromRgba, type LumaFrame } from '../../src-shared/devices/frames';

// Generated frames: a seeded noise source (a camera is never perfectly still) and simple scenes.
function prng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
const W = 64,
  H = 48;
function scene(paint: (x: number, y: number) => number, noise: number, seed: number): LumaFrame {
  const rand = prng(seed);
  const luma = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) luma[y * W + x] = Math.max(0, Math.min(255, Math.round(paint(x, y) + (rand() - 0.5) * 2 * noise)));
  return { width: W, height: H, luma };
}
const face = (x: number, y: number) => (x - W / 2) ** 2 / (W * 0.18) ** 2 + (y - H / 2) ** 2 / (H * 0.3) ** 2 < 1;
// A lit room: mid-grey wall, a lighter face that moves a little between frames.
const normal = (i: number) => scene((x, y) => (face(x - i, y) ? 150 : 110) + (x / W) * 20, 3, i + 1);
const dark = (i: number) => scene((x, y) => (face(x - i, y) ? 35 : 20), 4, i + 10);
const backlit = (i: number) => scene((x, y) => (face(x - i, y) ? 55 : 235), 3, i + 20);
const black = (i: number) => scene(() => 1, 1, i + 30);

describe('camera frame analysis (generated frames)', () => {
  it('a lit, moving picture is fine', () => {
    expect(judgeFrames([0, 1, 2, 3].map(normal)).finding).toBe('ok');
  });
  it('too dark', () => {
    const { finding, stats } = judgeFrames([0, 1, 2].map(dark));
    expect(finding).toBe('dark');
    expect(stats?.mean).toBeLessThan(55);
  });
  it('backlit: bright background, dark face ("sollys i ryggen")', () => {
    const { finding, stats } = judgeFrames([0, 1, 2].map(backlit));
    expect(finding).toBe('backlit');
    expect(stats!.border - stats!.centre).toBeGreaterThan(70);
  });
  it('black: no picture at all (lens covered, camera in use elsewhere)', () => {
    expect(judgeFrames([0, 1, 2].map(black)).finding).toBe('black');
    expect(judgeFrames([]).finding).toBe('black');
  });
  it('frozen: the same frame again and again', () => {
    const still = normal(0);
    expect(judgeFrames([still, still, { ...still, luma: Uint8Array.from(still.luma) }]).finding).toBe('frozen');
    // Two frames are not enough to call it frozen.
    expect(judgeFrames([still, still]).finding).toBe('ok');
  });
  it('a bright but evenly lit picture is not backlit', () => {
    expect(judgeFrames([0, 1, 2].map((i) => scene(() => 200, 3, i))).finding).toBe('ok');
  });
  it('converts RGBA to luma with Rec. 601 weights and measures change', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
    expect(Array.from(lumaFromRgba(rgba, 2, 2).luma)).toEqual([76, 150, 29, 255]);
    const a = normal(0);
    expect(frameChange(a, a)).toBe(0);
    expect(frameChange(a, normal(3))).toBeGreaterThan(1);
    expect(frameChange(a, { width: 1, height: 1, luma: new Uint8Array(1) })).toBe(Number.POSITIVE_INFINITY);
    expect(frameStats(backlit(0)).border).toBeGreaterThan(200);
  });
});
