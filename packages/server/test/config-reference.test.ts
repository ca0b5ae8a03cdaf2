import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigurationReference } from '../src/config/reference.js';

describe('configuration reference', () => {
  it('docs/configuration.md equals a fresh rendering of the variable catalogue', () => {
    const committed = readFileSync(
      new URL('../../../docs/configuration.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderConfigurationReference());
  });

  it('documents every variable of config.md §3.1', () => {
    const text = renderConfigurationReference();
    for (const v of [
      'DEV_MODE',
      'PORT',
      'BIND_ADDRESS',
      'PUBLIC_URL',
      'ALLOWED_HOSTS',
      'TRUSTED_PROXY_CIDRS',
      'SHUTDOWN_GRACE_SECONDS',
    ]) {
      expect(text).toContain(`| \`${v}\` |`);
    }
  });
});
