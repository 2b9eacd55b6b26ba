import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { IntegrationSettings } from './integration-settings.ts';

/**
 * AES-256-GCM for connection secrets. The key never lives in the database
 * (so a backup of it holds only ciphertext): it comes from VIGIL_SECRET_KEY
 * or a key file created on first use with mode 0600. Each value is bound to
 * its connection and name (additional authenticated data), so a ciphertext
 * copied onto another connection does not decrypt.
 */
export type SecretBox = {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
};

const PREFIX = 'v1';

function parseKey(raw: string, where: string): Buffer {
  const s = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
  if (key.length !== 32)
    throw new AppError(
      'BAD_INPUT',
      `${where} must hold a 32-byte key (64 hex characters or base64); got ${key.length} bytes`,
    );
  return key;
}

/** Reads the key (env, else key file), creating the file with mode 0600 when absent. */
export function loadSecretKey(settings: Pick<IntegrationSettings, 'secretKey' | 'secretKeyFile'>): Buffer {
  if (settings.secretKey) return parseKey(settings.secretKey, 'VIGIL_SECRET_KEY');
  const file = settings.secretKeyFile;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) chmodSync(file, 0o600);
  return parseKey(readFileSync(file, 'utf8'), `the key file ${file}`);
}

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(context));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return [
        PREFIX,
        iv.toString('base64url'),
        c.getAuthTag().toString('base64url'),
        ct.toString('base64url'),
      ].join('.');
    },
    open(sealed, context) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== PREFIX || !iv || !tag || ct === undefined)
        throw new AppError('INTERNAL', `a stored secret (${context}) is not in the v1 format`);
      try {
        const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        d.setAAD(Buffer.from(context));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
      } catch {
        throw new AppError(
          'PRECONDITION_FAILED',
          `cannot decrypt the stored secret ${context}: the secret key (VIGIL_SECRET_KEY or the key file) is not the one it was saved with`,
        );
      }
    },
  };
}
