// Turns a configured secret string into key bytes: hex and base64 are decoded, anything else is
// taken as its UTF-8 bytes. The same rule decides the strength check of var-spec.ts.

export function decodeSecret(raw: string): Buffer {
  if (/^[0-9a-fA-F]+$/.test(raw) && raw.length % 2 === 0 && raw.length >= 64) {
    return Buffer.from(raw, 'hex');
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) && raw.length % 4 === 0 && raw.length >= 44) {
    return Buffer.from(raw, 'base64');
  }
  return Buffer.from(raw, 'utf8');
}
