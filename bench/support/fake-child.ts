// Child-process host of one FakeZumRails, so the fake's CPU time is not charged to the client
// being measured. Driven over the IPC channel by support/fake-host.ts.
import { FakeZumRails } from 'nestjs-zumrails-auth/testing';
import type { FakeCommand, FakeReply, FakeStartOptions } from './fake-protocol.js';

function send(reply: FakeReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as FakeStartOptions;
  // No request log: the bench reads counters only, and the ring would cost the server time.
  const fake = await FakeZumRails.start({ ...options, maxRecordedRequests: 0 });
  process.on('message', (message: FakeCommand) => {
    void handle(fake, message).then(send, (error: unknown) =>
      send({ type: 'reply', id: message.id, error: String(error) }),
    );
  });
  process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
  send({ type: 'ready', url: fake.url, username: fake.username, password: fake.password });
}

async function handle(fake: FakeZumRails, message: FakeCommand): Promise<FakeReply> {
  switch (message.cmd) {
    case 'counters':
      return { type: 'reply', id: message.id, counters: fake.counters };
    case 'reset':
      fake.reset();
      break;
    case 'ttl':
      fake.tokenTtlSeconds = message.seconds;
      break;
    case 'stop':
      await fake.stop();
      setImmediate(() => process.exit(0));
      break;
  }
  return { type: 'reply', id: message.id };
}

void main();
