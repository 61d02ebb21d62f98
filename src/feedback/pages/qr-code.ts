import { toString as qrToString } from 'qrcode';
import type { TouchpointView } from '../../catalog/catalog.types';
import { escapeHtml } from './html';

/** The address printed in a touchpoint's QR code: the rating page, or the kiosk page for kiosks. */
export function touchpointUrl(publicUrl: string, tp: Pick<TouchpointView, 'kind' | 'token'>): string {
  return `${publicUrl}/${tp.kind === 'kiosk' ? 'k' : 'r'}/${encodeURIComponent(tp.token)}`;
}

/** A QR code as standalone SVG (medium error correction survives a scuffed sticker), titled with its address. */
export async function qrSvg(text: string): Promise<string> {
  const svg = await qrToString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
  return svg.trim().replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(text)}" `).replace(/>/, `><title>${escapeHtml(text)}</title>`);
}
