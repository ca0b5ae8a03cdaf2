// The build log script (mock-rack.md §7.2), shared by seeded builds and live ones.
import type { Prng } from '../core/prng.js';
import { IMAGE_REGISTRY } from '../state/pods.js';
import type { ManifestService } from './manifest.js';

export function preparingLine(files: number, bytes: number): string {
  return `Preparing source (${files} files, ${bytes} bytes)`;
}

export function parsingLine(manifest: string): string {
  return `Parsing manifest: ${manifest}`;
}

function serviceLines(service: ManifestService, prng: Prng): string[] {
  if (service.image) return [`Pulling: ${service.image}`, `Digest: sha256:${prng.hex(64)}`];
  return [
    `Building: ${service.name}`,
    'Step 1/4 : FROM mock-base:latest',
    'Step 2/4 : WORKDIR /app',
    'Step 3/4 : COPY . .',
    `Step 4/4 : CMD ${service.command ?? 'npm start'}`,
    `Successfully built ${prng.hex(12)}`,
  ];
}

/** The lines after the manifest was parsed, through `Build complete: <id>`. */
export function successLines(
  app: string,
  buildId: string,
  services: readonly ManifestService[],
  prng: Prng,
): string[] {
  return [
    ...services.flatMap((s) => serviceLines(s, prng)),
    ...services.map((s) => `Pushing: ${IMAGE_REGISTRY}/${app}:${s.name}.${buildId}`),
    `Build complete: ${buildId}`,
  ];
}
