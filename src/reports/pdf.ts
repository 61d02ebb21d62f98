import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { escapeHtml } from '../feedback/pages/html';
import { within } from '../platform/within';

/** A page that takes longer than this to print has failed (Chromium has no timeout of its own for printing). */
const PRINT_TIMEOUT_MS = 60_000;
/** Debian's Chromium, headless, with nothing that reaches out: this machine's network is closed, and a report needs none. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A warm browser is closed after this long without a print. */
const IDLE_MS = 60_000;

/**
 * Prints report pages to A4 PDFs with Debian's Chromium (playwright-core drives it; nothing is
 * downloaded): a header naming the report and a footer with page numbers on every page. The page
 * has everything inline (styles, SVG charts), so nothing is fetched while it prints.
 *
 * Launching Chromium costs seconds (about 5 s here, against well under one for a print), so one
 * browser is kept while prints keep coming, each print in a context of its own, and closed after a
 * minute without one; a browser that crashed or was closed is launched again at the next print.
 */
export class ChromiumPrinter {
  private browser?: Promise<Browser>;
  private idle?: NodeJS.Timeout;
  private printing = 0;

  constructor(
    private readonly chromiumPath: string,
    private readonly idleMs = IDLE_MS,
  ) {}

  async print(page: string, header: string): Promise<Buffer> {
    if (!existsSync(this.chromiumPath)) throw new Error(`Chromium is not at ${this.chromiumPath}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
    this.printing++;
    clearTimeout(this.idle);
    try {
      const context = await (await this.browserOf()).newContext();
      try {
        const tab = await context.newPage();
        await tab.route('**/*', (route) => route.abort());
        await tab.setContent(page, { waitUntil: 'load' });
        const printed = await within(
          PRINT_TIMEOUT_MS,
          tab.pdf({
            format: 'A4',
            printBackground: true,
            preferCSSPageSize: true,
            displayHeaderFooter: true,
            headerTemplate: `<div style="font: 7px Helvetica, Arial, sans-serif; color: #666; width: 100%; padding: 0 14mm; text-align: right">${escapeHtml(header)}</div>`,
            footerTemplate: '<div style="font: 7px Helvetica, Arial, sans-serif; color: #666; width: 100%; text-align: center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
          }),
        );
        if (!printed) throw new Error(`printing the report took over ${PRINT_TIMEOUT_MS / 1000} s`);
        return printed.value;
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      if (--this.printing === 0) this.idle = setTimeout(() => void this.close(), this.idleMs).unref();
    }
  }

  /** Closes the browser, if one runs; the next print launches another. */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const browser = this.browser;
    this.browser = undefined;
    await (await browser?.catch(() => undefined))?.close().catch(() => undefined);
  }

  private browserOf(): Promise<Browser> {
    if (!this.browser) {
      const launching = chromium.launch({ executablePath: this.chromiumPath, args: CHROMIUM_ARGS });
      this.browser = launching;
      // A browser that crashed, or failed to start, is forgotten: the next print launches one.
      const forget = () => {
        if (this.browser === launching) this.browser = undefined;
      };
      launching.then((browser) => browser.on('disconnected', forget), forget);
    }
    return this.browser;
  }
}

/** One page printed by a browser of its own, closed after: for a one-off (a command, a baseline). */
export async function htmlToPdf(chromiumPath: string, page: string, header: string): Promise<Buffer> {
  const printer = new ChromiumPrinter(chromiumPath);
  try {
    return await printer.print(page, header);
  } finally {
    await printer.close();
  }
}
