// Typed client for the Convox rack API (convox-rack-api.md): HTTP and WebSocket, wire codecs, types.
export const CONVOX_CLIENT_NAME = 'rack-gateway';
