// Step 7 of the rack proxy (access-control.md §10.2, §11; convox-rack-api.md §5.3): refusals that
// depend on the request itself — env override headers, headers `convox run` never sends, external
// builds — and the env rules applied to a release-create form, which is rewritten with the composed
// env before it is forwarded.

import type { IncomingHttpHeaders } from 'node:http';
import { decodeGoForm, encodeGoForm, type FormValues, firstValue } from '@rack-gateway/convox';
import { permissionDeniedMessage } from '../access/decision.js';
import { BadRequestError, ForbiddenError } from '../http/errors.js';
import {
  type EnvChange,
  type EnvPolicy,
  EnvRuleError,
  formatEnvText,
  mergeEnv,
  parseEnvText,
} from './env-rules.js';
import { envOverrideHeader } from './headers.js';

/** A request-policy refusal: the error to answer and the audit reason. */
export class PolicyRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly error: BadRequestError | ForbiddenError,
  ) {
    super(error.message);
    this.name = 'PolicyRefusal';
  }
}

const FORBIDDEN_RUN_HEADERS = ['image', 'privileged', 'volumes'];

export function checkHeaders(row: number, headers: IncomingHttpHeaders): void {
  const env = envOverrideHeader(headers);
  if (env !== null) {
    throw new PolicyRefusal(
      'env_header_not_allowed',
      new BadRequestError(
        'env_header_not_allowed',
        `The ${env} header is not allowed through rack-gateway; change the environment with env set.`,
      ),
    );
  }
  if (row !== 10) return;
  const bad = FORBIDDEN_RUN_HEADERS.find((h) => headers[h] !== undefined);
  if (bad !== undefined) {
    const name = bad[0]?.toUpperCase() + bad.slice(1);
    throw new PolicyRefusal(
      'header_not_allowed',
      new ForbiddenError(
        'header_not_allowed',
        `header ${name} is not allowed through rack-gateway`,
      ),
    );
  }
}

export function parseForm(body: Buffer): FormValues {
  try {
    return decodeGoForm(body.toString('utf8'));
  } catch {
    throw new BadRequestError('invalid_form', 'The request body is not a valid form.');
  }
}

export function checkBuildForm(form: FormValues): void {
  if (firstValue(form, 'external') === 'true') {
    throw new PolicyRefusal(
      'external_build',
      new ForbiddenError(
        'external_build',
        'external builds are not available through rack-gateway',
      ),
    );
  }
}

export interface ReleaseEnvInput {
  readonly form: FormValues;
  readonly currentEnv: string;
  readonly policy: EnvPolicy;
  readonly canSetEnv: boolean;
  readonly canSetSecrets: boolean;
}

export interface ReleaseEnvResult {
  /** The form to forward (re-encoded with the composed env); null when no env field was sent. */
  readonly body: Buffer | null;
  readonly changes: readonly EnvChange[];
}

/** Applies the env rules to a release-create form (access-control.md §11, writes). */
export function applyReleaseEnv(input: ReleaseEnvInput): ReleaseEnvResult {
  const requested = firstValue(input.form, 'env');
  if (requested === undefined) return { body: null, changes: [] };
  if (!input.canSetEnv) {
    throw new PolicyRefusal(
      'permission_denied',
      new ForbiddenError('permission_denied', permissionDeniedMessage('convox:env:set'), {
        headers: { 'x-required-permission': 'convox:env:set' },
        extra: { permission: 'convox:env:set' },
      }),
    );
  }
  try {
    const merged = mergeEnv(
      parseEnvText(input.currentEnv),
      { mode: 'full', env: parseEnvText(requested) },
      input.policy,
      input.canSetSecrets,
    );
    const form = new Map(input.form);
    form.set('env', [formatEnvText(merged.env)]);
    return { body: Buffer.from(encodeGoForm(form), 'utf8'), changes: merged.changes };
  } catch (err) {
    if (err instanceof EnvRuleError) throw new PolicyRefusal(err.reason, err.error);
    throw err;
  }
}
