// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/renderer/src/features/chat/fixture.tsx
// expect: allowed
import { useState } from 'react';
import { create } from 'zustand';
import type { ChatMessage } from '../../../../shared/dto';
import { formatBytes } from '../../shared/lib/format';
