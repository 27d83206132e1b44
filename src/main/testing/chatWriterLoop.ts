/**
 * Child process for the crash test (chatStore.kill.test.ts): writes versions 0, 1, 2, … of one
 * conversation through the real ChatStore as fast as it can, printing `wrote <n>` after each,
 * until it is killed. Usage: `node --import tsx chatWriterLoop.ts <chatsDir>`.
 */
import { ChatStore } from '../core/chats/chatStore';
import { silentLogger } from '../core/logging/logger';
import { versionOf } from './chatFixtures';

const dir = process.argv[2];
if (!dir) throw new Error('usage: chatWriterLoop.ts <chatsDir>');
const store = new ChatStore(dir, silentLogger);
await store.loadAll();
for (let n = 0; ; n++) {
  await store.save(versionOf(n));
  process.stdout.write(`wrote ${n}\n`);
}
