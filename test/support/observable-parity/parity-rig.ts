// Shared with the consumer apps (see parity-server.ts): packages and node: imports only.
import type { HttpService } from '@nestjs/axios';
import axios, {
  AxiosError,
  isCancel,
  type AxiosInstance,
  type AxiosResponse,
  type CancelToken,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { Observable, Subscription } from 'rxjs';
import type { HeldRequest, ParityServer, ServerEnding } from './parity-server.js';

/** Builds the service under test over an axios instance: stock `HttpService` or ours. */
export type ServiceFactory = (instance: AxiosInstance) => HttpService;

/** How axios settled a request, whether or not anyone still subscribes to it. */
interface Settlement {
  readonly outcome: Promise<string>;
  readonly resolve: (outcome: string) => void;
  done: boolean;
}

/** `AxiosError ERR_BAD_RESPONSE 500 …`: the class, code, status and message of an error. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error ${String(error)}`;
  const { code, response } = error as AxiosError;
  const kind = isCancel(error) ? 'cancel' : error instanceof AxiosError ? 'axios' : 'other';
  return `${error.constructor.name} (${kind}) ${code} ${response?.status ?? '-'} ${error.message}`;
}

/**
 * One service over its own axios instance on the parity server. The instance's adapter records,
 * per path, the cancel token the service handed axios and how the request settled: what the
 * subscriber can no longer see once it has unsubscribed (a cancel error carries no config, so
 * an interceptor could not tell which request it ended).
 */
export class ParityRig {
  readonly service: HttpService;
  private readonly tokens = new Map<string, CancelToken[]>();
  private readonly settlements = new Map<string, Settlement>();
  private readonly responses = new Map<string, AxiosResponse>();

  constructor(
    readonly server: ParityServer,
    factory: ServiceFactory,
  ) {
    const http = axios.getAdapter('http');
    const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
      const path = config.url ?? '';
      if (config.cancelToken) this.tokensOf(path).push(config.cancelToken);
      try {
        const response = await http(config);
        this.responses.set(path, response);
        this.settle(path, `response ${response.status}`);
        return response;
      } catch (error) {
        this.settle(path, describeError(error));
        throw error;
      }
    };
    this.service = factory(axios.create({ baseURL: server.url, adapter }));
  }

  /** The cancel tokens of the requests sent to `path`, in order. */
  tokensOf(path: string): CancelToken[] {
    const list = this.tokens.get(path) ?? [];
    this.tokens.set(path, list);
    return list;
  }

  /** The response axios got on `path`, if any. */
  responseOf(path: string): AxiosResponse | undefined {
    return this.responses.get(path);
  }

  /**
   * After an unsubscribe or a cancel, how the request on `path` ended on both sides. A cancel
   * rejects the request within microtasks, so after one turn of the event loop a request still
   * unsettled was not cancelled: it is released, and must then be answered.
   */
  async endOf(path: string, held: HeldRequest): Promise<{ axios: string; server: ServerEnding }> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.settlementOf(path).done) held.release();
    return { axios: await this.settlementOf(path).outcome, server: await held.ended };
  }

  private settle(path: string, outcome: string): void {
    const settlement = this.settlementOf(path);
    settlement.done = true;
    settlement.resolve(outcome);
  }

  private settlementOf(path: string): Settlement {
    let found = this.settlements.get(path);
    if (!found) {
      let resolve: (outcome: string) => void = () => {};
      const outcome = new Promise<string>((settled) => (resolve = settled));
      found = { outcome, resolve, done: false };
      this.settlements.set(path, found);
    }
    return found;
  }
}

/** What a subscriber sees of an Observable of responses, as lines. */
export interface Watched {
  readonly events: string[];
  /** Resolves on complete or error. */
  readonly done: Promise<void>;
  readonly subscription: Subscription;
}

/** A response body as one line: the text or JSON, or `<stream>` for `responseType: 'stream'`. */
function bodyOf(data: unknown): string {
  if (typeof data === 'string') return data;
  const streamed = typeof (data as { pipe?: unknown } | null)?.pipe === 'function';
  return streamed ? '<stream>' : JSON.stringify(data);
}

/** Subscribes to `source`, recording `next 200 <body>`, `complete` and `error <description>`. */
export function watch(source: Observable<AxiosResponse>): Watched {
  const events: string[] = [];
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const subscription = source.subscribe({
    next: ({ status, data }) => events.push(`next ${status} ${bodyOf(data)}`),
    complete: () => {
      events.push('complete');
      finish();
    },
    error: (error: unknown) => {
      events.push(`error ${describeError(error)}`);
      finish();
    },
  });
  return { events, done, subscription };
}
