// @rack-gateway/convox: a typed client for the Convox rack API (convox-rack-api.md) and the wire
// codecs that the client, the gateway's proxy and the mock rack share, so each encoding rule exists
// once: Go-compatible JSON and times, Go form/query encoding, durations, Basic auth, the route table.

// Client
export { assertHeaderValue, parseRackUrl, type RackEndpoint } from './client/endpoint.js';
export {
  errorMessage,
  httpError,
  RackError,
  type RackErrorCode,
  RackForbiddenError,
  RackHttpError,
  RackNetworkError,
  RackNotFoundError,
  RackProtocolError,
  RackRequestError,
  RackStreamError,
  RackUnauthorizedError,
} from './client/errors.js';
export {
  EXIT_MARKER,
  type ExecOutcome,
  ExecTrailerParser,
  exitTrailer,
} from './client/exec-trailer.js';
export { FrameQueue } from './client/frame-queue.js';
export { FrameSocket, type FrameSocketOptions, PING_INTERVAL_MS } from './client/frame-socket.js';
export {
  RackClient,
  type RackClientOptions,
  type RouteOptions,
  type UploadOptions,
} from './client/rack-client.js';
export { decodeRackResponse, parseRackJson, responseHeaders } from './client/response-body.js';
export { type ExecIo, ExecSession, LogStream } from './client/streams.js';
export type { UploadProgress } from './client/upload.js';
// Objects
export {
  decodeList,
  decodeObject,
  encodeObject,
  type FieldKind,
  type FieldSpec,
  type JsonValue,
  type ObjectSchema,
  RackDecodeError,
  type ServicePort,
} from './objects/schema.js';
export * from './objects/types.js';
// Routes
export { fillPath, matchPath, type PathParams, pathSegments } from './routes/match.js';
export {
  type DecodedOptions,
  decodeOptions,
  decodeOptionValue,
  encodeOptions,
  encodeOptionValue,
  formLookup,
  type OptionKind,
  type OptionSpec,
  type OptionSpecs,
  type OptionsOf,
  OptionValueError,
  type OptionValueTypes,
} from './routes/options.js';
export * from './routes/route-table.js';
// Wire codecs
export {
  type BasicCredentials,
  basicAuthorization,
  parseBasicAuthorization,
} from './wire/basic-auth.js';
export { formatGoDuration, parseGoDuration } from './wire/duration.js';
export {
  decodeGoForm,
  encodeGoForm,
  FormDecodeError,
  type FormValues,
  firstValue,
  formValues,
  goPathEscape,
  goQueryEscape,
  goUnescape,
  goUserinfoEscape,
} from './wire/form.js';
export {
  compareUtf8,
  formatGoJson,
  formatGoJsonCompact,
  type GoJsonValue,
  GoMap,
  goJsonNumber,
  goJsonString,
} from './wire/go-json.js';
export { formatRfc3339, RackTime } from './wire/rack-time.js';
