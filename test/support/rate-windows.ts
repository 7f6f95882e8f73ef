import type { RecordedRequest } from '../../lib/testing/index.js';

/**
 * The most requests any window of `windowMs` holds, wherever it starts (a closed window: two
 * arrivals exactly `windowMs` apart count together). Arrival times are the fake's.
 */
export function busiestWindow(requests: readonly RecordedRequest[], windowMs: number): number {
  const times = requests.map((request) => request.receivedAt).sort((a, b) => a - b);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! > windowMs) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}
