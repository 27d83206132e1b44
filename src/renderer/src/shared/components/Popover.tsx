import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cx } from './ui';

/**
 * A button that opens a panel below it (a menu or a small dialog). Escape or a click elsewhere
 * closes it and returns focus to the button.
 */
export function Popover({
  button,
  buttonLabel,
  buttonClassName,
  panelLabel,
  panelRole = 'dialog',
  align = 'left',
  disabled,
  children,
}: {
  button: ReactNode;
  /** Accessible name of the button when its content is not enough. */
  buttonLabel?: string;
  buttonClassName: string;
  panelLabel: string;
  panelRole?: 'dialog' | 'menu';
  align?: 'left' | 'right';
  disabled?: boolean;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const triggerId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      setOpen(false);
      trigger.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    root.current?.addEventListener('keydown', onKey);
    const element = root.current;
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      element?.removeEventListener('keydown', onKey);
    };
  }, [open]);

  // By id, not the ref: this runs from the panel's own handlers, which are created during render.
  const close = () => {
    setOpen(false);
    document.getElementById(triggerId)?.focus();
  };

  return (
    <div ref={root} className="relative min-w-0">
      <button
        ref={trigger}
        id={triggerId}
        type="button"
        aria-label={buttonLabel}
        aria-haspopup={panelRole}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        disabled={disabled}
        className={buttonClassName}
        onClick={() => setOpen((value) => !value)}
      >
        {button}
      </button>
      {open && (
        <div
          id={panelId}
          role={panelRole}
          aria-label={panelLabel}
          className={cx(
            'absolute top-full z-40 mt-1 max-h-[70vh] w-max max-w-[min(28rem,90vw)] overflow-y-auto rounded-lg border border-zinc-200 bg-white p-1 shadow-lg',
            'dark:border-zinc-700 dark:bg-zinc-900',
            align === 'right' ? 'right-0' : 'left-0',
          )}
        >
          {children(close)}
        </div>
      )}
    </div>
  );
}
