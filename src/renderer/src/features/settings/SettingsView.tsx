import type { ComponentType } from 'react';
import { cx, mutedText } from '../../shared/components/ui';
import { McpServersSection } from '../mcp/McpServersSection';
import { ToolApprovalsSection } from '../mcp/ToolApprovalsSection';
import { ProvidersSection } from '../providers/ProvidersSection';

/** The sections of Settings, in order. Adding one is one line here. */
const SECTIONS: { id: string; Component: ComponentType }[] = [
  { id: 'mcp', Component: McpServersSection },
  { id: 'toolApprovals', Component: ToolApprovalsSection },
  { id: 'providers', Component: ProvidersSection },
];

/** `#/settings`: app-wide settings, one titled section per domain. */
export function SettingsView() {
  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Settings</h1>
      <p className={cx('text-xs', mutedText)}>Apply to the whole app, every chat and window.</p>
      <div className="mt-4 flex max-w-4xl flex-col gap-4">
        {SECTIONS.map(({ id, Component }) => (
          <Component key={id} />
        ))}
      </div>
    </div>
  );
}
