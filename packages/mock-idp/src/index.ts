// A local OpenID Connect provider with the demo users (demo mode and tests).
export type { MockIdpClient } from './provider.js';
export {
  type MockIdp,
  type MockIdpFaults,
  type MockIdpOptions,
  startMockIdp,
} from './server.js';
export { claimsOf, DEFAULT_USERS, type MockIdpUser } from './users.js';
