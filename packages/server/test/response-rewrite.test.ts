import { formatGoJson } from '@rack-gateway/convox';
import { describe, expect, it } from 'vitest';
import { ENV_MASK, formatEnvText, maskEnv, parseEnvText } from '../src/proxy/env-rules.js';
import {
  rewriteBuildJson,
  rewriteReleaseJson,
  withoutUserinfo,
} from '../src/proxy/response-rewrite.js';

const policy = { secretNames: new Set<string>(), protectedNames: new Set<string>() };
const mask = (env: string) => formatEnvText(maskEnv(parseEnvText(env), policy, true));

// What a rack sends for GET /apps/shop/releases/R1 (Go encoding/json, field order of §6).
const rackRelease = [
  '{',
  '  "id": "RABCDEFGHIJ",',
  '  "app": "shop",',
  '  "build": "BABCDEFGHIJ",',
  '  "env": "DB_PASSWORD=hunter2\\nGREETING=\\u003cb\\u003eHi\\u003c/b\\u003e \\u0026 bye\\u2028",',
  '  "manifest": "services:\\n  web:\\n    port: 3000\\n",',
  '  "description": "build 1a2b3c4 \\u003cfix\\u003e",',
  '  "created": "2025-01-15T12:00:00.123456789Z"',
  '}',
  '',
].join('\n');

describe('release and build rewrites (convox-rack-api.md §5.4, acceptance check 9)', () => {
  it('masks secret env values and re-serialises byte-identically to the rack formatting', () => {
    const out = rewriteReleaseJson(rackRelease, mask);
    expect(out).toBe(rackRelease.replace('DB_PASSWORD=hunter2', `DB_PASSWORD=${ENV_MASK}`));
    expect(out).not.toContain('hunter2');
  });

  it('masks every release of a list and keeps non-release bodies as they are', () => {
    const list = formatGoJson([JSON.parse(rackRelease), JSON.parse(rackRelease)]);
    expect(rewriteReleaseJson(list, mask).match(/\*{20}/g)).toHaveLength(2);
    expect(rewriteReleaseJson('release not found\n', mask)).toBe('release not found\n');
  });

  it('removes userinfo from build repositories', () => {
    expect(withoutUserinfo('https://convox:secret@git.example.com/x.git')).toBe(
      'https://git.example.com/x.git',
    );
    expect(withoutUserinfo('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
    const build = formatGoJson({ id: 'B1', repository: 'https://u:p@host/x', status: 'complete' });
    expect(rewriteBuildJson(build)).toBe(
      formatGoJson({ id: 'B1', repository: 'https://host/x', status: 'complete' }),
    );
  });
});
