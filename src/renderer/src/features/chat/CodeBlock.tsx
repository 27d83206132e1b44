import { useRef, type ComponentProps } from 'react';
import { CopyButton } from './CopyButton';

/** A fenced code block: its language, a Copy button, and the highlighted code. */
export function CodeBlock({ children, node: _node, ...props }: ComponentProps<'pre'> & { node?: unknown }) {
  const pre = useRef<HTMLPreElement>(null);
  const language = languageOf(children);
  return (
    <div className="code-block group/code">
      <div className="code-block-bar">
        <span className="font-mono">{language ?? 'code'}</span>
        <CopyButton label="Copy code" text={() => pre.current?.textContent ?? ''} />
      </div>
      <pre ref={pre} {...props}>
        {children}
      </pre>
    </div>
  );
}

function languageOf(children: unknown): string | null {
  const child = Array.isArray(children) ? children[0] : children;
  const className = (child as { props?: { className?: unknown } } | null)?.props?.className;
  if (typeof className !== 'string') return null;
  return /language-([\w+#.-]+)/.exec(className)?.[1] ?? null;
}
