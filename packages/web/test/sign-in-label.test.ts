// The sign-in button names the identity provider (OIDC_DISPLAY_NAME, issue 19 finding 7a); without
// a name (the Vite dev server serves no gateway meta tags) it keeps the plain text.
import { describe, expect, it } from 'vitest';
import { signInLabel } from '../src/api.ts';

describe('sign-in button text', () => {
  it('names the provider the gateway wrote into the page', () => {
    expect(signInLabel('Google')).toBe('Continue with Google');
    expect(signInLabel('  Acme Okta ')).toBe('Continue with Acme Okta');
  });

  it('says "Sign in" when the page carries no provider name', () => {
    expect(signInLabel(null)).toBe('Sign in');
    expect(signInLabel(undefined)).toBe('Sign in');
    expect(signInLabel('   ')).toBe('Sign in');
  });
});
