import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  covers,
  grants,
  isValidPattern,
  matches,
} from '../src/access/permissions.js';
import { permissionsOfRoles, ROLES } from '../src/access/roles.js';

describe('permission matcher (access-control.md §4)', () => {
  it('matches whole-segment wildcards only', () => {
    expect(matches('convox:*:*', 'convox:app:delete')).toBe(true);
    expect(matches('convox:app:*', 'convox:app:list')).toBe(true);
    expect(matches('convox:app:*', 'convox:apps:list')).toBe(false);
    expect(matches('convox:a*:list', 'convox:app:list')).toBe(false);
    expect(matches('*:*:*', 'gateway:user:read')).toBe(true);
    expect(matches('convox:app', 'convox:app')).toBe(false);
  });

  it('covers: a requested wildcard is covered only by a held wildcard', () => {
    expect(covers('convox:*:*', 'convox:app:*')).toBe(true);
    expect(covers('convox:app:list', 'convox:app:*')).toBe(false);
    expect(covers('convox:app:*', 'convox:app:list')).toBe(true);
  });

  it('validates against the catalogue', () => {
    expect(isValidPattern('convox:app:list')).toBe(true);
    expect(isValidPattern('convox:app:*')).toBe(true);
    expect(isValidPattern('convox:*:read')).toBe(true);
    expect(isValidPattern('*:*:*')).toBe(true);
    expect(isValidPattern('convox:app:fly')).toBe(false);
    expect(isValidPattern('convox:nothing:*')).toBe(false);
    expect(isValidPattern('convox:App:list')).toBe(false);
    expect(isValidPattern('convox:app:list:x')).toBe(false);
    expect(isValidPattern('gateway:*:deploy_with_approval')).toBe(false);
  });

  it('expands roles with inheritance per the matrix', () => {
    const viewer = permissionsOfRoles(['viewer']);
    const ops = permissionsOfRoles(['ops']);
    const deployer = permissionsOfRoles(['deployer']);
    expect(grants(viewer, 'convox:log:read')).toBe(true);
    expect(grants(viewer, 'convox:release:list')).toBe(false);
    expect(grants(ops, 'convox:process:exec')).toBe(true);
    expect(grants(ops, 'convox:release:promote')).toBe(false);
    expect(grants(deployer, 'convox:release:promote')).toBe(true);
    expect(grants(deployer, 'convox:secret:set')).toBe(false);
    expect(grants(deployer, 'convox:deploy:deploy_with_approval')).toBe(false);
    expect(grants(ROLES.cicd.permissions, 'convox:log:read')).toBe(false);
    expect(ALL_PERMISSIONS.every((p) => grants(ROLES.admin.permissions, p))).toBe(true);
  });

  it('every role entry is a valid catalogue permission', () => {
    for (const role of Object.values(ROLES))
      for (const p of role.permissions) expect(isValidPattern(p), p).toBe(true);
  });
});
