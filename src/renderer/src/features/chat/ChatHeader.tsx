import type { ChatExport } from '../../../../shared/chatDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { DownloadIcon, SidebarIcon, SlidersIcon } from '../../shared/components/icons';
import { Popover } from '../../shared/components/Popover';
import { cx, mutedText } from '../../shared/components/ui';
import { ModelBar } from '../inference/ModelBar';
import { useChatModel } from './chatModel';
import { iconButton } from './chatUi';
import { useConversationStore } from './conversation';
import { ToolCallPicker } from './ToolCallPicker';

export const PARAMETERS_PANEL_ID = 'chat-parameters';

/** Above the conversation: chat list toggle, model picker, context used, export, parameters toggle. */
export function ChatHeader({
  sidebarOpen,
  onToggleSidebar,
  paramsOpen,
  onToggleParams,
}: {
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  paramsOpen: boolean;
  onToggleParams: () => void;
}) {
  const model = useChatModel();
  const chatId = useConversationStore((s) => s.chatId);
  return (
    <header className="flex items-start gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <button type="button" className={cx(iconButton, 'mt-0.5')} aria-label="Chat list" title="Show or hide the chat list" aria-expanded={sidebarOpen} onClick={onToggleSidebar}>
        <SidebarIcon />
      </button>
      {/* The chat is fixed when the pick is made: a load that ends after the user moved on still puts that chat on the model. */}
      <ModelBar {...model} onChoose={(modelId) => useConversationStore.getState().setModel(modelId, chatId)} />
      <div className="flex shrink-0 items-center gap-1">
        <ContextUsage />
        <ToolCallPicker />
        <ExportMenu />
        <button
          type="button"
          className={cx(iconButton, paramsOpen && 'bg-accent-soft text-accent-text')}
          aria-expanded={paramsOpen}
          aria-controls={PARAMETERS_PANEL_ID}
          onClick={onToggleParams}
          title="Show or hide the parameters"
        >
          <SlidersIcon /> <span className="max-sm:sr-only">Parameters</span>
        </button>
      </div>
    </header>
  );
}

/** "312 / 1024" tokens of the context this conversation takes after its last reply, as core reports it. */
function ContextUsage() {
  const context = useConversationStore((s) => s.detail?.context ?? null);
  // This chat's model as resident now wins: it is current even before the chat is fetched again after a load.
  const residentSize = useChatModel().resident?.settings.contextSize ?? null;
  const contextSize = residentSize ?? context?.contextSize ?? null;
  const used = context && context.usedTokens > 0 ? context.usedTokens : null;
  if (used === null || contextSize === null) return null;
  const full = used / contextSize >= 0.9;
  return (
    <span
      data-testid="context-usage"
      className={cx('px-1 font-mono text-xs tabular-nums', full ? 'text-amber-700 dark:text-amber-400' : mutedText)}
      title={`Context used by this conversation after its last reply: ${used} of ${contextSize} tokens`}
    >
      <span className="sr-only">Context used: </span>
      {used} / {contextSize}
      <span className="max-md:hidden"> tokens</span>
    </span>
  );
}

function ExportMenu() {
  const chatId = useConversationStore((s) => s.chatId);
  const save = async (format: 'markdown' | 'json', close: () => void) => {
    close();
    if (!chatId) return;
    try {
      downloadExport(await api.chats.export({ chatId, format }));
    } catch (error) {
      useConversationStore.setState({ actionError: `Could not export: ${errorMessage(error)}` });
    }
  };
  const item = 'block w-full rounded px-3 py-1.5 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800';
  return (
    <Popover
      panelLabel="Export"
      panelRole="menu"
      align="right"
      disabled={!chatId}
      buttonLabel="Export chat"
      buttonClassName={iconButton}
      button={<DownloadIcon />}
    >
      {(close) => (
        <>
          <button type="button" role="menuitem" className={item} onClick={() => void save('markdown', close)}>
            Export as Markdown
          </button>
          <button type="button" role="menuitem" className={item} onClick={() => void save('json', close)}>
            Export as JSON
          </button>
        </>
      )}
    </Popover>
  );
}

function downloadExport(file: ChatExport): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mimeType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file.fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
