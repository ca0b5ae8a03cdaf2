// convox.yml reading for builds and promotes (mock-rack.md §7.1, §9.1): only what the mock needs —
// the services with their build/image, command, port and scale.
import { parse } from 'yaml';

export interface ManifestService {
  readonly name: string;
  /** Set for image services; source builds have none. */
  readonly image: string | undefined;
  readonly command: string | undefined;
  readonly port: number | undefined;
  readonly count: number | undefined;
  readonly cpu: number | undefined;
  readonly memory: number | undefined;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readPort(value: unknown): number | undefined {
  const port = record(value);
  return num(value) ?? num(port.port);
}

function readService(name: string, raw: unknown): ManifestService {
  const svc = record(raw);
  const scale = record(svc.scale);
  return {
    name,
    image: str(svc.image),
    command: str(svc.command),
    port: readPort(svc.port),
    count: num(scale.count),
    cpu: num(scale.cpu),
    memory: num(scale.memory),
  };
}

/** The services of a manifest, sorted by name. Throws ManifestError like the rack's parser. */
export function parseManifest(text: string): ManifestService[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ManifestError(`manifest error: ${(err as Error).message.split('\n')[0]}`);
  }
  const services = record(record(doc).services);
  const names = Object.keys(services).sort();
  if (names.length === 0) throw new ManifestError('manifest error: no services found');
  return names.map((name) => readService(name, services[name]));
}

/** The services of a manifest, or none when it cannot be read (promote of an odd release). */
export function manifestServices(text: string): ManifestService[] {
  try {
    return parseManifest(text);
  } catch {
    return [];
  }
}
