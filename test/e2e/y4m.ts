import { writeFileSync } from 'node:fs';

/**
 * Writes a small Y4M video (4:2:0, neutral colour) for Chromium's --use-file-for-fake-video-capture.
 * `luma(x, y, frame)` paints each frame; Chromium loops the file.
 */
export function writeY4m(
  path: string,
  options: { width: number; height: number; frames: number; luma: (x: number, y: number, frame: number) => number },
): void {
  const { width, height, frames } = options;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const frameSize = width * height + 2 * (width / 2) * (height / 2);
  const parts: Buffer[] = [header];
  for (let f = 0; f < frames; f++) {
    const frame = Buffer.alloc(frameSize, 128);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) frame[y * width + x] = Math.max(0, Math.min(255, Math.round(options.luma(x, y, f))));
    parts.push(Buffer.from('FRAME\n'), frame);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** A dim room: a slightly lighter face moving a little, on a dark wall, with sensor noise. */
export function darkRoom(x: number, y: number, frame: number): number {
  const face = ((x - 80 - (frame % 6)) / 28) ** 2 + ((y - 60) / 36) ** 2 < 1;
  return (face ? 34 : 20) + ((x * 7 + y * 13 + frame * 31) % 5);
}
