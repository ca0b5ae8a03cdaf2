// The app routes of API §7.2 (mock-rack.md §6): budget, cancel, balancers, configs, cost,
// diagnose, manifest service, metrics, process files, app resources, build images, service
// overrides and triggers, ssl. Budgets and configs are kept per app; the rest is static data
// derived from the app, so answers are deterministic.
import { encodeObject, SERVICE_SCHEMA } from '@rack-gateway/convox';
import { notFound } from '../core/failure.js';
import { json, OCTET, OK, type Reply } from '../http/respond.js';
import { extras } from '../state/extras.js';
import { encodeBuild } from './builds.js';
import { formFields, type Handler, type HandlerContext, param, requireApp } from './context.js';
import { encodeResource } from './rack-extras.js';
import { requireService } from './services.js';

const METRIC_NAMES = ['cpu', 'memory', 'requests'] as const;

function metrics(): Reply {
  return json(METRIC_NAMES.map((name) => ({ name, values: [] })));
}

function budgetOf(ctx: HandlerContext) {
  const app = requireApp(ctx);
  return { app, budgets: extras(ctx.world.state).budgets };
}

const getBudget: Handler = (ctx) => {
  const { app, budgets } = budgetOf(ctx);
  const config = budgets.get(app.data.name);
  return json({ config: config ?? null, state: config ? { 'month-to-date-usd': '0.00' } : null });
};

const setBudget: Handler = (ctx) => {
  const { app, budgets } = budgetOf(ctx);
  budgets.set(app.data.name, { ...budgets.get(app.data.name), ...formFields(ctx) });
  return OK;
};

const clearBudget: Handler = (ctx) => {
  const { app, budgets } = budgetOf(ctx);
  budgets.delete(app.data.name);
  return OK;
};

/** An app route answering `ok` once the app (and the service, when the path has one) exists. */
const appOk: Handler = (ctx) => {
  requireApp(ctx);
  return OK;
};

const serviceOk: Handler = (ctx) => {
  requireService(ctx, requireApp(ctx));
  return OK;
};

function appConfigs(ctx: HandlerContext): Map<string, string> {
  const app = requireApp(ctx);
  const all = extras(ctx.world.state).configs;
  let configs = all.get(app.data.name);
  if (!configs) {
    configs = new Map();
    all.set(app.data.name, configs);
  }
  return configs;
}

const listConfigs: Handler = (ctx) =>
  json(
    [...appConfigs(ctx)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, value]) => ({ id, value })),
  );

const setConfigs: Handler = (ctx) => {
  const configs = appConfigs(ctx);
  const { id, value } = formFields(ctx);
  if (id) configs.set(id, value ?? '');
  return OK;
};

const getConfig: Handler = (ctx) => {
  const id = param(ctx, 'name');
  const value = appConfigs(ctx).get(id);
  if (value === undefined) throw notFound('config', id);
  return json({ id, value });
};

const updateConfig: Handler = (ctx) => {
  appConfigs(ctx).set(param(ctx, 'name'), formFields(ctx).value ?? '');
  return OK;
};

const balancers: Handler = (ctx) => {
  const app = requireApp(ctx);
  const services = [...app.services.values()].filter((s) => s.data.ports.length > 0);
  return json(
    services
      .sort((a, b) => (a.data.name < b.data.name ? -1 : 1))
      .map((s) => ({
        endpoint: s.data.domain,
        name: s.data.name,
        ports: Object.fromEntries(
          s.data.ports.map((p) => [String(p.balancer), { protocol: 'tcp', target: p.container }]),
        ),
        service: s.data.name,
      })),
  );
};

const cost: Handler = (ctx) => {
  const app = requireApp(ctx);
  const services = [...app.services.keys()].sort();
  return json({
    app: app.data.name,
    currency: 'USD',
    'month-to-date-usd': '0.00',
    services: services.map((name) => ({ name, 'month-to-date-usd': '0.00' })),
  });
};

const diagnose: Handler = (ctx) => {
  const app = requireApp(ctx);
  return json({ app: app.data.name, checks: [], status: 'healthy' });
};

const manifestService: Handler = (ctx) =>
  json(encodeObject(SERVICE_SCHEMA, requireService(ctx, requireApp(ctx)).data));

/** The process of the path; files routes answer 404 for an unknown one. */
function requireProcess(ctx: HandlerContext): void {
  const app = requireApp(ctx);
  const pid = param(ctx, 'pid');
  if (!app.processes.has(pid)) throw notFound('process', pid);
}

/** An empty tar stream (two zero blocks): what `convox cp` of an empty selection receives. */
const EMPTY_TAR = Buffer.alloc(1024);

const linkedResources = (ctx: HandlerContext) => {
  const app = requireApp(ctx);
  return [...extras(ctx.world.state).resources.values()]
    .filter((r) => r.apps.includes(app.data.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
};

function appResource(ctx: HandlerContext) {
  const name = param(ctx, 'name');
  const found = linkedResources(ctx).find((r) => r.name === name);
  if (!found) throw notFound('resource', name);
  return found;
}

export const APP_EXTRA_HANDLERS: Readonly<Record<string, Handler>> = {
  'budget.get': getBudget,
  'budget.set': setBudget,
  'budget.clear': clearBudget,
  'budget.shutdown-state': (ctx) => {
    requireApp(ctx);
    return json({ active: false, services: [] });
  },
  'budget.dismiss-recovery': appOk,
  'budget.reset': appOk,
  'budget.simulate-shutdown': appOk,
  'apps.cancel': appOk,
  'balancers.list': balancers,
  'configs.list': listConfigs,
  'configs.set': setConfigs,
  'configs.get': getConfig,
  'configs.update': updateConfig,
  'apps.cost': cost,
  'apps.diagnose': diagnose,
  'manifest.service': manifestService,
  'metrics.by-service': (ctx) => {
    const app = requireApp(ctx);
    return json([...app.services.keys()].sort().map((service) => ({ service, metrics: [] })));
  },
  'metrics.app': (ctx) => {
    requireApp(ctx);
    return metrics();
  },
  'metrics.service': (ctx) => {
    requireService(ctx, requireApp(ctx));
    return metrics();
  },
  'files.get': (ctx) => {
    requireProcess(ctx);
    return { kind: 'bytes', body: EMPTY_TAR, contentType: OCTET };
  },
  'files.put': (ctx) => {
    requireProcess(ctx);
    return OK;
  },
  'files.delete': (ctx) => {
    requireProcess(ctx);
    return OK;
  },
  'app-resources.list': (ctx) => json(linkedResources(ctx).map(encodeResource)),
  'app-resources.get': (ctx) => json(encodeResource(appResource(ctx))),
  'app-resources.data': (ctx) => {
    const resource = appResource(ctx);
    return json({ name: resource.name, data: '' });
  },
  'app-resources.data-update': (ctx) => {
    appResource(ctx);
    return OK;
  },
  'builds.image': (ctx) => {
    const app = requireApp(ctx);
    const id = param(ctx, 'id');
    const build = app.builds.find((b) => b.data.id === id);
    if (!build) throw notFound('build', id);
    return json(encodeBuild(build));
  },
  'services.scale-override': serviceOk,
  'services.triggers.disable': serviceOk,
  'services.triggers.enable': serviceOk,
  'services.triggers.threshold': serviceOk,
  'ssl.update': serviceOk,
};
