import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { escapeHtml } from '../feedback/pages/html';

/** A page that takes longer than this to print has failed (Chromium has no timeout of its own for printing). */
const PRINT_TIMEOUT_MS = 60_000;
/** Debian's Chromium, headless, with nothing that reaches out: this machine's network is closed, and a report needs none. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A report page printed to an A4 PDF by Debian's Chromium (playwright-core drives it; nothing is
 * downloaded): a header naming the report and a footer with page numbers on every page. The page
 * has everything inline (styles, SVG charts), so nothing is fetched while it prints.
 */
export async function htmlToPdf(chromiumPath: string, page: string, header: string): Promise<Buffer> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium is not at ${chromiumPath}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    await tab.route('**/*', (route) => route.abort());
    await tab.setContent(page, { waitUntil: 'load' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`printing the report took over ${PRINT_TIMEOUT_MS / 1000} s`)), PRINT_TIMEOUT_MS);
    });
    return await Promise.race([tab.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="font: 7px Helvetica, Arial, sans-serif; color: #666; width: 100%; padding: 0 14mm; text-align: right">${escapeHtml(header)}</div>`,
      footerTemplate: '<div style="font: 7px Helvetica, Arial, sans-serif; color: #666; width: 100%; text-align: center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    }), timeout]).finally(() => clearTimeout(timer));
  } finally {
    await browser.close();
  }
}
