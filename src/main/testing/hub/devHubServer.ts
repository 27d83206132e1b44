/**
 * Runs the fixture Hub by hand so Discover can be clicked through offline:
 *   npx tsx src/main/testing/hub/devHubServer.ts
 * then start Hearth with the printed HF_ENDPOINT. Ctrl-C stops it.
 */
import { FIXTURE_GRANTED_TOKEN, startHubFixtureServer } from './hubFixtureServer';

const hub = await startHubFixtureServer();
process.stdout.write(`Fixture Hub: HF_ENDPOINT=${hub.endpoint}  (CDN ${hub.cdnEndpoint}; gated repo token: ${FIXTURE_GRANTED_TOKEN})\n`);
process.once('SIGINT', () => {
  void hub.close().then(() => process.exit(0));
});
