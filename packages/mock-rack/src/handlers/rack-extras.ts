// The rack-level routes of API §7.2 (mock-rack.md §6): certificates, registries, rack resources
// and their links, instance terminate and keyroll, Let's Encrypt, JWT, Karpenter, events and the
// proxy prefixes. Certificates, registries and resources are kept in the state's extras; the rest
// answers `ok` or fixed data. Registry passwords are never echoed back.
import { badRequest, notFound, RackFailure } from '../core/failure.js';
import { json, OK } from '../http/respond.js';
import { type ExtraState, extras, nextId, type ResourceRecord } from '../state/extras.js';
import { formFields, type Handler, type HandlerContext, param } from './context.js';

/** The fixed expiry of the mock's certificates (the clock-independent answer tests can assert). */
const CERT_EXPIRATION = '2027-01-01T00:00:00Z';

const RESOURCE_TYPES = ['memcached', 'mysql', 'postgres', 'redis'] as const;

const x = (ctx: HandlerContext): ExtraState => extras(ctx.world.state);

const byKey = <T>(map: Map<string, T>): T[] =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);

export function encodeResource(r: ResourceRecord) {
  return {
    name: r.name,
    parameters: { ...r.parameters },
    status: 'running',
    type: r.type,
    url: `${r.type}://${r.name}.resources.internal`,
    apps: [...r.apps].sort().map((name) => ({ name })),
  };
}

export function requireResource(ctx: HandlerContext): ResourceRecord {
  const name = param(ctx, 'name');
  const found = x(ctx).resources.get(name);
  if (!found) throw notFound('resource', name);
  return found;
}

function addCertificate(ctx: HandlerContext, domains: readonly string[]) {
  const id = nextId(x(ctx), 'cert');
  const cert = { id, domain: domains[0] ?? '', domains, expiration: CERT_EXPIRATION };
  x(ctx).certificates.set(id, cert);
  return json(encodeCertificate(cert));
}

const encodeCertificate = (c: { id: string; domain: string; domains: readonly string[] }) => ({
  arn: `arn:mock:acm:${c.id}`,
  default: false,
  domain: c.domain,
  domains: [...c.domains],
  expiration: CERT_EXPIRATION,
  id: c.id,
  status: 'ISSUED',
});

function requireCertificate(ctx: HandlerContext) {
  const id = param(ctx, 'id');
  const cert = x(ctx).certificates.get(id);
  if (!cert) throw notFound('certificate', id);
  return cert;
}

const createResource: Handler = (ctx) => {
  const { name, kind, type, ...parameters } = formFields(ctx);
  const resourceType = type ?? kind ?? '';
  if (!(RESOURCE_TYPES as readonly string[]).includes(resourceType))
    throw badRequest(`invalid resource type: ${resourceType}`);
  const id = name ?? nextId(x(ctx), resourceType);
  if (x(ctx).resources.has(id)) throw new RackFailure(409, `resource already exists: ${id}`);
  const resource = { name: id, type: resourceType, parameters, apps: [] };
  x(ctx).resources.set(id, resource);
  return json(encodeResource(resource));
};

const linkResource: Handler = (ctx) => {
  const resource = requireResource(ctx);
  const app = formFields(ctx).app ?? '';
  if (!ctx.world.app(app)) throw notFound('app', app);
  if (!resource.apps.includes(app)) resource.apps.push(app);
  return json(encodeResource(resource));
};

const unlinkResource: Handler = (ctx) => {
  const resource = requireResource(ctx);
  const app = param(ctx, 'app');
  const at = resource.apps.indexOf(app);
  if (at < 0) throw notFound('link', app);
  resource.apps.splice(at, 1);
  return json(encodeResource(resource));
};

const addRegistry: Handler = (ctx) => {
  const { server, username } = formFields(ctx);
  if (!server) throw badRequest('server required');
  x(ctx).registries.set(server, username ?? '');
  return json({ server, username: username ?? '' });
};

const removeRegistry: Handler = (ctx) => {
  const server = param(ctx, 'server');
  if (!x(ctx).registries.delete(server)) throw notFound('registry', server);
  return OK;
};

const terminateInstance: Handler = (ctx) => {
  const id = param(ctx, 'id');
  if (!ctx.world.state.instances.some((i) => i.id === id)) throw notFound('instance', id);
  return OK;
};

export const RACK_EXTRA_HANDLERS: Readonly<Record<string, Handler>> = {
  'certificates.list': (ctx) => json(byKey(x(ctx).certificates).map(encodeCertificate)),
  'certificates.create': (ctx) => addCertificate(ctx, ['mock-upload.example.com']),
  'certificates.generate': (ctx) => {
    const domains = (formFields(ctx).domains ?? '').split(',').filter(Boolean);
    if (domains.length === 0) throw badRequest('domains required');
    return addCertificate(ctx, domains);
  },
  'certificates.renew': (ctx) => {
    requireCertificate(ctx);
    return OK;
  },
  'certificates.delete': (ctx) => {
    x(ctx).certificates.delete(requireCertificate(ctx).id);
    return OK;
  },
  'registries.list': (ctx) =>
    json(
      [...x(ctx).registries.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([server, username]) => ({ server, username })),
    ),
  'registries.add': addRegistry,
  'registries.remove': removeRegistry,
  'resources.list': (ctx) => json(byKey(x(ctx).resources).map(encodeResource)),
  'resources.create': createResource,
  'resources.options': () => json(RESOURCE_TYPES.map((name) => ({ name, parameters: [] }))),
  'resources.get': (ctx) => json(encodeResource(requireResource(ctx))),
  'resources.update': (ctx) => {
    const resource = requireResource(ctx);
    resource.parameters = { ...resource.parameters, ...formFields(ctx) };
    return json(encodeResource(resource));
  },
  'resources.delete': (ctx) => {
    x(ctx).resources.delete(requireResource(ctx).name);
    return OK;
  },
  'resources.link': linkResource,
  'resources.unlink': unlinkResource,
  'instances.keyroll': () => OK,
  'instances.terminate': terminateInstance,
  'letsencrypt.get': () => json({ solvers: [] }),
  'letsencrypt.update': () => OK,
  'jwt.token': () => json({ token: 'mock-rack-jwt' }),
  'jwt.rotate': () => OK,
  'karpenter.cleanup': () => OK,
  'events.create': () => OK,
  'proxy.custom-http': () => OK,
  'proxy.registry': () => json({}),
};
