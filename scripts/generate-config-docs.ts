// Writes docs/configuration.md from the server's variable catalogue.
import { writeFileSync } from 'node:fs';
import { renderConfigurationReference } from '../packages/server/src/config/reference.ts';

writeFileSync('docs/configuration.md', renderConfigurationReference());
console.log('wrote docs/configuration.md');
