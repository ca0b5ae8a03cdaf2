// The MFA secrets at rest (identity.md §1, §14.2-14.3): TOTP secrets are encrypted with AES-256-GCM
// under the `rgw/encryption/v1` sub-key of APP_SECRET_KEY (the previous key still decrypts during a
// rotation); backup codes are stored only as HMAC-SHA256 under the `rgw/backup-codes/v1` sub-key.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '../identity/secrets.js';

const FORMAT = 'v1';

export interface MfaCrypto {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** HMAC-SHA256 (hex) of a normalised backup code under the current key. */
  backupCodeHash(normalised: string): string;
  /** The same under the current and (during a rotation) the previous key. */
  backupCodeHashes(normalised: string): string[];
}

export function createMfaCrypto(appSecretKey: Buffer, previousKey: Buffer | null): MfaCrypto {
  const current = deriveKey(appSecretKey, 'rgw/encryption/v1');
  const previous = previousKey ? deriveKey(previousKey, 'rgw/encryption/v1') : null;
  const backupKeys = [appSecretKey, ...(previousKey ? [previousKey] : [])].map((k) =>
    deriveKey(k, 'rgw/backup-codes/v1'),
  );
  const hmac = (key: Buffer, code: string) => createHmac('sha256', key).update(code).digest('hex');
  const open = (key: Buffer, iv: Buffer, sealed: Buffer): string => {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString();
  };
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const sealed = Buffer.concat([
        cipher.update(plain, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${FORMAT}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    decrypt(stored) {
      const [format, iv = '', sealed = ''] = stored.split('.');
      if (format !== FORMAT) throw new Error('unknown MFA secret format');
      const ivBytes = Buffer.from(iv, 'base64url');
      const sealedBytes = Buffer.from(sealed, 'base64url');
      try {
        return open(current, ivBytes, sealedBytes);
      } catch (err) {
        if (previous === null) throw err;
        return open(previous, ivBytes, sealedBytes);
      }
    },
    backupCodeHash: (normalised) => hmac(backupKeys[0] as Buffer, normalised),
    backupCodeHashes: (normalised) => backupKeys.map((k) => hmac(k, normalised)),
  };
}

/** A new backup code: 6 random bytes as 12 upper-case hex characters, shown `XXXX-XXXX-XXXX`. */
export function newBackupCode(): string {
  const hex = randomBytes(6).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`;
}

/** Input as typed: upper-cased, spaces and hyphens removed. */
export const normaliseBackupCode = (input: string): string =>
  input.toUpperCase().replace(/[\s-]/g, '');

export const looksLikeBackupCode = (normalised: string): boolean =>
  /^[0-9A-F]{12}$/.test(normalised);
