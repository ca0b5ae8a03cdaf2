// The client version, read from the package manifest so it exists in one place.
import manifest from '../package.json' with { type: 'json' };

export const CLI_VERSION: string = manifest.version;
export const USER_AGENT = `rack-gateway/${CLI_VERSION}`;
