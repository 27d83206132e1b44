/**
 * Models often write LaTeX as `\( … \)` and `\[ … \]`; remark-math reads `$ … $` and `$$ … $$`.
 * Rewrites the former to the latter outside code (fenced blocks and inline code stay as written).
 */
export function normalizeMathDelimiters(markdown: string): string {
  if (!markdown.includes('\\(') && !markdown.includes('\\[')) return markdown;
  // Split into code and prose: ``` fences (to the closing fence or the end) and `inline` code.
  const parts = markdown.split(/(```[\s\S]*?(?:```|$)|`[^`\n]*`)/);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return part;
      return part
        .replace(/\\\[([\s\S]+?)\\\]/g, (_m, body: string) => `$$${body}$$`)
        .replace(/\\\(([\s\S]+?)\\\)/g, (_m, body: string) => `$${body}$`);
    })
    .join('');
}
