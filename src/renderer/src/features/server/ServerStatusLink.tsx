import { routeHref } from '../../app/router';
import { useServerStore } from './server';

/** The status bar's API state, always visible, linking to the Server view. */
export function ServerStatusLink() {
  const status = useServerStore((s) => s.status);
  const running = status?.running && status.baseUrl;
  return (
    <a
      href={routeHref('server')}
      data-testid="status-api"
      className="truncate hover:text-zinc-900 hover:underline dark:hover:text-zinc-100"
      title={running ? 'The API server is running: open the Server view' : 'Open the Server view to start the API server'}
    >
      {running ? `API: ${status.baseUrl}` : 'API server: off'}
    </a>
  );
}
