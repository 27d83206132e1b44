// Dev only: initialises React Fast Refresh from a module, since the CSP forbids the inline
// script the React plugin would otherwise inject. Empty in production builds.
import '@vitejs/plugin-react/preamble';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { startSubscriptions } from './app/subscriptions';
import './index.css';

startSubscriptions();

const root = document.getElementById('root');
if (!root) throw new Error('Hearth: #root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
