/**
 * Runs the fixture Hub by hand so Discover and `hearth pull` can be tried offline:
 *   npm run dev:hub                       (or: npx tsx src/main/testing/hub/devHubServer.ts)
 *   npm run dev:hub -- --slow 20000       (CDN paced to ~20 KB/s: watch the progress bar, try Ctrl-C)
 * then start Hearth with the printed HF_ENDPOINT. Ctrl-C stops it.
 */
import { FIXTURE_GRANTED_TOKEN, startHubFixtureServer, TINY_REPO } from './hubFixtureServer';

const slowAt = process.argv.indexOf('--slow');
const bytesPerSecond = slowAt === -1 ? 0 : Number(process.argv[slowAt + 1]);
if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) {
  process.stderr.write('--slow takes bytes per second, e.g. --slow 20000\n');
  process.exit(2);
}

const hub = await startHubFixtureServer();
if (bytesPerSecond > 0) hub.slowCdn(bytesPerSecond);
process.stdout.write(
  `Fixture Hub: HF_ENDPOINT=${hub.endpoint}  (CDN ${hub.cdnEndpoint}${bytesPerSecond > 0 ? `, paced to ${bytesPerSecond} B/s` : ''}; gated repo token: ${FIXTURE_GRANTED_TOKEN})\n` +
    `Try: HF_ENDPOINT=${hub.endpoint} npx hearth pull ${TINY_REPO}\n`,
);
process.once('SIGINT', () => {
  void hub.close().then(() => process.exit(0));
});
