// End-to-end suites run the real server against the built web client.
import { ensureWebBuild } from '../../scripts/lib/web-build.ts';

export default function setup(): void {
  ensureWebBuild();
}
