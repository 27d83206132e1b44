/**
 * The text of a message. Plain, pre-wrapped text for now; this is the one place to swap in a
 * markdown renderer (code blocks, math) later without touching the message list.
 */
export function MessageContent({ text }: { text: string }) {
  return <div className="leading-relaxed break-words whitespace-pre-wrap">{text}</div>;
}
