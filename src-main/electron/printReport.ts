/**
 * "Udskriv / PDF" of the report in Electron: the page as an A4 PDF (its print stylesheet applies),
 * saved where the user chooses. Kept free of the electron module so it is tested as it is.
 */
export const PRINT_REPORT_CHANNEL = 'skaermrum:print-report';

export interface PdfSource {
  printToPDF(options: { pageSize: 'A4'; printBackground: boolean; preferCSSPageSize: boolean }): Promise<Uint8Array>;
}

export async function printReportToPdf(
  contents: PdfSource,
  askWhere: (defaultName: string) => Promise<{ canceled: boolean; filePath?: string | undefined }>,
  write: (path: string, data: Uint8Array) => Promise<void>,
  today: string,
): Promise<{ saved: string | null }> {
  const pdf = await contents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
  const where = await askWhere(`skaermrum-rapport-${today}.pdf`);
  if (where.canceled || !where.filePath) return { saved: null };
  await write(where.filePath, pdf);
  return { saved: where.filePath };
}
