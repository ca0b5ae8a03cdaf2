// A local OpenID Connect provider with the demo users (demo mode and tests).
export { type MockIdp, type MockIdpClient, type MockIdpOptions, startMockIdp } from './server.js';
