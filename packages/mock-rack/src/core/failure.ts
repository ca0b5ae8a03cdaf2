// Rack errors raised by the mock's domain code; the HTTP layer turns them into the rack's error
// responses (text or JSON by Accept, convox-rack-api.md §3.4). Messages follow API §7.1.

export class RackFailure extends Error {
  override readonly name = 'RackFailure';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string): RackFailure =>
  new RackFailure(404, `${what} not found: ${id}`);

export const badRequest = (message: string): RackFailure => new RackFailure(400, message);
