// Shared with the consumer apps (see parity-server.ts): packages and node: imports only.
import axios from 'axios';
import { from, takeUntil } from 'rxjs';
import { watch } from './parity-rig.js';
import { cancelledOn, textOf, type ParityScenario } from './parity-scenario.js';

const CANCELED = 'CanceledError (cancel) ERR_CANCELED - canceled';
/** How the server ends a request the client dropped, and how axios settles it. */
const ABORTED = { axios: CANCELED, server: 'aborted' };
/** How a request that nobody cancelled ends once the server answers it. */
const ANSWERED = { axios: 'response 200', server: 'finished' };

/** Calls given up before the answer: by unsubscribing, by the caller's token or signal. */
export const CANCEL_SCENARIOS: readonly ParityScenario[] = [
  {
    name: 'unsubscribing before the answer aborts the request',
    expected: { events: [], ...ABORTED },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const watched = watch(rig.service.get(path));
      await held.arrived;
      watched.subscription.unsubscribe();
      return { events: watched.events, ...(await rig.endOf(path, held)) };
    },
  },
  {
    name: 'takeUntil (as timeout) completes the call and aborts the request',
    expected: { events: ['complete'], ...ABORTED },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const watched = watch(rig.service.get(path).pipe(takeUntil(from(held.arrived))));
      await watched.done;
      return { events: watched.events, ...(await rig.endOf(path, held)) };
    },
  },
  {
    name: "a caller's cancelToken is used as is: cancelling it errors the call, aborts the request",
    expected: {
      events: ['error CanceledError (cancel) ERR_CANCELED - by the caller'],
      tokens: [true],
      axios: 'CanceledError (cancel) ERR_CANCELED - by the caller',
      server: 'aborted',
    },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const source = axios.CancelToken.source();
      const watched = watch(rig.service.get(path, { cancelToken: source.token }));
      await held.arrived;
      source.cancel('by the caller');
      const ending = await rig.endOf(path, held);
      await watched.done;
      const tokens = rig.tokensOf(path).map((token) => token === source.token);
      return { events: watched.events, tokens, ...ending };
    },
  },
  {
    name: "with a caller's cancelToken, unsubscribing leaves the request to the caller",
    expected: { events: [], cancelled: false, ...ANSWERED },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const source = axios.CancelToken.source();
      const watched = watch(rig.service.get(path, { cancelToken: source.token }));
      await held.arrived;
      watched.subscription.unsubscribe();
      const ending = await rig.endOf(path, held);
      return { events: watched.events, cancelled: source.token.reason !== undefined, ...ending };
    },
  },
  {
    name: "a caller's AbortSignal: aborting it errors the call and aborts the request",
    expected: { events: [`error ${CANCELED}`], ...ABORTED },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const controller = new AbortController();
      const watched = watch(rig.service.get(path, { signal: controller.signal }));
      await held.arrived;
      controller.abort();
      const ending = await rig.endOf(path, held);
      await watched.done;
      return { events: watched.events, ...ending };
    },
  },
  {
    name: "with a caller's AbortSignal, unsubscribing still aborts the request",
    expected: { events: [], signalAborted: false, ...ABORTED },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const controller = new AbortController();
      const watched = watch(rig.service.get(path, { signal: controller.signal }));
      await held.arrived;
      watched.subscription.unsubscribe();
      const ending = await rig.endOf(path, held);
      return { events: watched.events, signalAborted: controller.signal.aborted, ...ending };
    },
  },
  {
    name: "responseType 'stream': the body still flows after the Observable has completed",
    expected: {
      events: ['next 200 <stream>', 'complete'],
      body: 'first,last',
      server: 'finished',
      cancelledAfter: [false],
    },
    async observe(rig) {
      const { path, held } = rig.server.path('stream');
      const watched = watch(rig.service.get(path, { responseType: 'stream' }));
      await watched.done;
      held.release();
      const body = await textOf(rig.responseOf(path)?.data);
      return {
        events: watched.events,
        body,
        server: await held.ended,
        cancelledAfter: cancelledOn(rig, path),
      };
    },
  },
  {
    name: "responseType 'stream': unsubscribing before the answer does not abort the request",
    expected: { events: [], body: '{"late":true}', ...ANSWERED },
    async observe(rig) {
      const { path, held } = rig.server.path('hang');
      const watched = watch(rig.service.get(path, { responseType: 'stream' }));
      await held.arrived;
      watched.subscription.unsubscribe();
      const ending = await rig.endOf(path, held);
      const body = await textOf(rig.responseOf(path)?.data);
      return { events: watched.events, body, ...ending };
    },
  },
];
