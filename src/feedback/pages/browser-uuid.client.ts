/**
 * A UUID made in the browser, for the pages' inline scripts: crypto.randomUUID exists only in secure
 * contexts, and a kiosk on a plain-http intranet page is not one, so fall back to getRandomValues (v4).
 */
export const BROWSER_UUID = `const uuid = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  };`;
