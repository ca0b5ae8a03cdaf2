// Every HTTP handler of the mock by route id.
import { APP_EXTRA_HANDLERS } from './app-extras.js';
import { APP_HANDLERS } from './apps.js';
import { BUILD_HANDLERS } from './builds.js';
import type { Handler } from './context.js';
import { OBJECT_HANDLERS } from './objects.js';
import { PROCESS_HANDLERS } from './processes.js';
import { RACK_EXTRA_HANDLERS } from './rack-extras.js';
import { RELEASE_HANDLERS } from './releases.js';
import { SERVICE_HANDLERS } from './services.js';
import { SYSTEM_HANDLERS } from './system.js';

export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...APP_HANDLERS,
  ...SERVICE_HANDLERS,
  ...PROCESS_HANDLERS,
  ...BUILD_HANDLERS,
  ...RELEASE_HANDLERS,
  ...OBJECT_HANDLERS,
  ...SYSTEM_HANDLERS,
  ...APP_EXTRA_HANDLERS,
  ...RACK_EXTRA_HANDLERS,
};
