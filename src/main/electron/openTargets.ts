import type { BrowserWindow } from 'electron';
import { basename } from 'node:path';
import type { Core } from '../core/createCore';
import { routeFor, type LaunchTarget } from './launchTargets';

/** The part of a BrowserWindow the opener uses. */
export type WindowLike = Pick<BrowserWindow, 'isMinimized' | 'restore' | 'focus' | 'loadURL'>;

export interface OpenerContext<W extends WindowLike> {
  core: Pick<Core, 'dispatch' | 'logger'>;
  /** The app's page (file: URL or the dev server's), without a route. */
  appUrl: string;
  /** The main window, created when there is none (macOS keeps the app running without one). */
  window(): W;
  /** Tells the user why something could not be opened (a dialog in the app). */
  showError(window: W, message: string, detail: string): Promise<unknown>;
}

/**
 * Acts on launch targets (launchTargets.ts): brings the window forward and shows the target's
 * route. A `.gguf` from "Open with Hearth" is imported into the library as a copy (the user's
 * file stays where it is; a link would need privileges on Windows), and My Models shows it
 * arriving; a failure (not a model, already there) is explained in a dialog. Targets that arrive
 * before the app is ready (macOS sends `open-file` before `ready`) wait for `start`.
 */
export class LaunchTargetOpener<W extends WindowLike = WindowLike> {
  private pending: Array<{ target: LaunchTarget; done: () => void }> = [];
  private context: OpenerContext<W> | undefined;

  /** Resolves once the target was shown (and a model imported or the failure explained). */
  open(target: LaunchTarget): Promise<void> {
    if (this.context) return this.show(this.context, target);
    return new Promise((resolve) => this.pending.push({ target, done: resolve }));
  }

  start(context: OpenerContext<W>): void {
    this.context = context;
    for (const { target, done } of this.pending.splice(0)) void this.show(context, target).then(done);
  }

  private async show(context: OpenerContext<W>, target: LaunchTarget): Promise<void> {
    const window = context.window();
    if (window.isMinimized()) window.restore();
    window.focus();
    // Same page, new route: Chromium treats it as an in-page navigation (the page keeps its state).
    await window.loadURL(`${context.appUrl}${routeFor(target)}`).catch(() => {});
    if (target.kind !== 'import') return;
    try {
      await context.core.dispatch('library.importModel', { path: target.path, mode: 'copy' });
    } catch (error) {
      context.core.logger.warn('open-with import failed', { path: target.path, error: String(error) });
      await context.showError(window, `Hearth could not import ${basename(target.path)}`, error instanceof Error ? error.message : String(error)).catch(() => {});
    }
  }
}
