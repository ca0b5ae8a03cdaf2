// Writes packages/web/src/generated/route-policy.ts (the web client's MFA-preflight table) from the
// server's route table (access-control.md §8.5).
import { writeFileSync } from 'node:fs';
import { renderRoutePolicy } from '../packages/server/src/access/route-policy-export.ts';
import { GATEWAY_ROUTES } from '../packages/server/src/access/route-table.ts';

export const ROUTE_POLICY_FILE = 'packages/web/src/generated/route-policy.ts';

writeFileSync(ROUTE_POLICY_FILE, renderRoutePolicy(GATEWAY_ROUTES));
console.log(`wrote ${ROUTE_POLICY_FILE}`);
