// The small part of oidc-provider's API the mock uses (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

  export interface Account {
    readonly accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (init: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  export interface OidcContext {
    readonly oidc: {
      readonly client?: { readonly clientId: string };
      readonly session?: {
        readonly accountId?: string;
        grantIdFor(clientId: string): string | undefined;
      };
      readonly result?: {
        readonly login?: { readonly accountId: string };
        readonly consent?: { readonly grantId?: string };
      };
      readonly prompts: ReadonlySet<string>;
      readonly provider: Provider;
    };
    type: string;
    body: unknown;
    status: number;
  }

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { readonly name: string };
    readonly params: Readonly<Record<string, unknown>>;
  }

  export interface Check {
    readonly reason: string;
  }
  export interface CheckClass {
    new (
      reason: string,
      description: string,
      check: (ctx: OidcContext) => boolean | Promise<boolean>,
    ): Check;
    readonly REQUEST_PROMPT: true;
    readonly NO_NEED_TO_PROMPT: false;
  }
  export interface Prompt {
    readonly name: string;
    readonly checks: Check[] & { add(check: Check, index?: number): void };
  }
  export interface PromptClass {
    new (options: { name: string; requestable: boolean }, ...checks: Check[]): Prompt;
  }
  export interface Policy extends Array<Prompt> {
    get(name: string): Prompt | undefined;
    add(prompt: Prompt, index?: number): void;
  }

  export const interactionPolicy: {
    base(): Policy;
    readonly Prompt: PromptClass;
    readonly Check: CheckClass;
  };

  export type Configuration = Readonly<Record<string, unknown>>;

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly Grant: GrantClass;
    callback(): NodeHandler;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
