// Shared with the consumer apps (see parity-server.ts): packages and node: imports only.
import { firstValueFrom } from 'rxjs';
import { describeError, watch } from './parity-rig.js';
import { cancelledOn, type ParityScenario } from './parity-scenario.js';

const CANCELED = 'CanceledError (cancel) ERR_CANCELED - canceled';

/** Calls that answer or fail: what the subscriber gets, and what happens to the token after. */
export const SETTLED_SCENARIOS: readonly ParityScenario[] = [
  {
    name: 'get: next with the response, then complete',
    expected: {
      events: ['next 200 {"ok":true}', 'complete'],
      server: 'finished',
      cancelledAfter: [true],
    },
    oursDiffer: { cancelledAfter: [false] },
    async observe(rig) {
      const { path, held } = rig.server.path('ok');
      const watched = watch(rig.service.get(path));
      await watched.done;
      return {
        events: watched.events,
        server: await held.ended,
        cancelledAfter: cancelledOn(rig, path),
      };
    },
  },
  {
    name: 'post: sends the body, next with the answer, then complete',
    expected: { events: ['next 200 {"amount":1}', 'complete'], cancelledAfter: [true] },
    oursDiffer: { cancelledAfter: [false] },
    async observe(rig) {
      const { path } = rig.server.path('echo');
      const watched = watch(rig.service.post(path, { amount: 1 }, { headers: { 'x-a': '1' } }));
      await watched.done;
      return { events: watched.events, cancelledAfter: cancelledOn(rig, path) };
    },
  },
  {
    name: 'request(config): the config-only form sends and answers the same',
    expected: { events: ['next 200 {"amount":2}', 'complete'], cancelledAfter: [true] },
    oursDiffer: { cancelledAfter: [false] },
    async observe(rig) {
      const { path } = rig.server.path('echo');
      const watched = watch(rig.service.request({ url: path, method: 'PUT', data: { amount: 2 } }));
      await watched.done;
      return { events: watched.events, cancelledAfter: cancelledOn(rig, path) };
    },
  },
  {
    name: 'head, delete, put, patch, get with params: each sends its method, URL, headers and body',
    expected: {
      sent: [
        { method: 'HEAD', url: '/mirror/?a=1', h: '1' },
        { method: 'DELETE', url: '/mirror/', type: 'application/json', body: '{"d":1}' },
        { method: 'PUT', url: '/mirror/', type: 'application/json', body: '{"p":1}' },
        { method: 'PATCH', url: '/mirror/', h: '2', type: 'application/json', body: '{"q":1}' },
        { method: 'GET', url: '/mirror/?b=2', h: '3' },
      ],
    },
    async observe(rig) {
      const calls = [
        (path: string) => rig.service.head(path, { params: { a: 1 }, headers: { 'x-h': '1' } }),
        (path: string) => rig.service.delete(path, { data: { d: 1 } }),
        (path: string) => rig.service.put(path, { p: 1 }, { data: { ignored: true } }),
        (path: string) => rig.service.patch(path, { q: 1 }, { headers: { 'x-h': '2' } }),
        (path: string) =>
          rig.service.get(path, { method: 'POST', params: { b: 2 }, headers: { 'x-h': '3' } }),
      ];
      const sent: unknown[] = [];
      for (const call of calls) {
        const { path } = rig.server.path('mirror');
        const { headers } = await firstValueFrom(call(path));
        const seen = JSON.parse(String(headers['x-mirror'])) as Record<string, unknown>;
        // The path's number differs between the two services' runs: keep its route and query.
        seen.url = String(seen.url).replace(/\/\d+/, '/');
        if (seen.body === '') delete seen.body;
        sent.push(seen);
      }
      return { sent };
    },
  },
  {
    name: 'an error response: error with the AxiosError, neither next nor complete',
    expected: {
      events: ['error AxiosError (axios) ERR_BAD_RESPONSE 500 Request failed with status code 500'],
      cancelledAfter: [true],
    },
    oursDiffer: { cancelledAfter: [false] },
    async observe(rig) {
      const { path } = rig.server.path('fail');
      const watched = watch(rig.service.get(path));
      await watched.done;
      return { events: watched.events, cancelledAfter: cancelledOn(rig, path) };
    },
  },
  {
    name: "the caller's config object is left as it was",
    expected: { events: ['next 200 {"ok":true}', 'complete'], keys: ['headers'] },
    async observe(rig) {
      const { path } = rig.server.path('ok');
      const config = { headers: { 'x-a': '1' } };
      const watched = watch(rig.service.get(path, config));
      await watched.done;
      return { events: watched.events, keys: Object.keys(config) };
    },
  },
  {
    name: 'each subscription sends its own request, with its own cancel token',
    expected: { hits: 2, tokens: 2, distinct: true, cancelledAfter: [true, true] },
    oursDiffer: { cancelledAfter: [false, false] },
    async observe(rig) {
      const { path, held } = rig.server.path('ok');
      const call = rig.service.get(path);
      await firstValueFrom(call);
      await firstValueFrom(call);
      const [first, second] = rig.tokensOf(path);
      return {
        hits: held.hits,
        tokens: rig.tokensOf(path).length,
        distinct: first !== second,
        cancelledAfter: cancelledOn(rig, path),
      };
    },
  },
  {
    // The one visible consequence of not cancelling after settling (what the TSDoc says).
    name: "re-sending a settled call's config: cancelled by the stock service, sent by ours",
    expected: { resent: CANCELED },
    oursDiffer: { resent: 'response 200' },
    async observe(rig) {
      const { path } = rig.server.path('ok');
      const { config } = await firstValueFrom(rig.service.get(path));
      const resent = await rig.service.axiosRef
        .request(config)
        .then(({ status }) => `response ${status}`, describeError);
      return { resent };
    },
  },
];
