import { describe, expect, it } from 'vitest';
import { printReportToPdf } from '../../src-main/electron/printReport';

// The shell's printToPDF path without the Electron binary: the page's PDF is asked for as A4 and
// written only where the user chose.
describe('the report as an A4 PDF (Electron printToPDF)', () => {
  const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46]); // "%PDF"
  it('asks for A4 with backgrounds, proposes a dated name and writes the bytes there', async () => {
    const asked: unknown[] = [];
    const written: [string, Uint8Array][] = [];
    const result = await printReportToPdf(
      { printToPDF: async (options) => (asked.push(options), pdf) },
      async (name) => ({ canceled: false, filePath: `/tmp/${name}` }),
      async (path, data) => void written.push([path, data]),
      '2026-12-02',
    );
    expect(asked).toEqual([{ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }]);
    expect(result).toEqual({ saved: '/tmp/skaermrum-rapport-2026-12-02.pdf' });
    expect(written).toEqual([['/tmp/skaermrum-rapport-2026-12-02.pdf', pdf]]);
  });
  it('writes nothing when the user cancels the save dialog', async () => {
    const written: string[] = [];
    const result = await printReportToPdf(
      { printToPDF: async () => pdf },
      async () => ({ canceled: true }),
      async (path) => void written.push(path),
      '2026-12-02',
    );
    expect(result).toEqual({ saved: null });
    expect(written).toEqual([]);
  });
});
