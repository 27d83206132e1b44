import { memo, useMemo, type ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import './markdown.css';
import { CodeBlock } from './CodeBlock';
import { useMarkdownPlugins } from './markdownPlugins';
import { normalizeMathDelimiters } from './mathDelimiters';

function Link({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) {
  return <a {...props} target="_blank" rel="noreferrer noopener" />;
}

const components: Components = { pre: CodeBlock, a: Link };

/**
 * A message's text as Markdown: GFM tables and lists, highlighted code with Copy, LaTeX math.
 * Math (KaTeX) and highlighting load only when a message has math or a fenced code block; until
 * they arrive (a moment, once per session) the text shows unhighlighted.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const source = useMemo(() => normalizeMathDelimiters(text), [text]);
  const plugins = useMarkdownPlugins(source);
  const remarkPlugins = useMemo(() => [remarkGfm, ...plugins.remark], [plugins.remark]);
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={plugins.rehype} components={components}>
        {source}
      </ReactMarkdown>
    </div>
  );
});
