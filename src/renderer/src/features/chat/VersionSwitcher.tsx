import type { VersionInfo } from './messagePath';
import { ChevronLeftIcon, ChevronRightIcon } from '../../shared/components/icons';
import { cx, mutedText } from '../../shared/components/ui';
import { iconButton } from './chatUi';

/** `‹ 2/3 ›`: which version of a message is shown, and the way to the others. */
export function VersionSwitcher({ versions, disabled, onSwitch }: { versions: VersionInfo; disabled: boolean; onSwitch: (id: string) => void }) {
  return (
    <span role="group" aria-label="Versions" className="inline-flex items-center">
      <button
        type="button"
        className={iconButton}
        aria-label="Previous version"
        title="Previous version"
        disabled={disabled || !versions.previousId}
        onClick={() => versions.previousId && onSwitch(versions.previousId)}
      >
        <ChevronLeftIcon />
      </button>
      <span className={cx('font-mono text-xs tabular-nums', mutedText)} aria-label={`Version ${versions.index} of ${versions.count}`}>
        {versions.index}/{versions.count}
      </span>
      <button
        type="button"
        className={iconButton}
        aria-label="Next version"
        title="Next version"
        disabled={disabled || !versions.nextId}
        onClick={() => versions.nextId && onSwitch(versions.nextId)}
      >
        <ChevronRightIcon />
      </button>
    </span>
  );
}
