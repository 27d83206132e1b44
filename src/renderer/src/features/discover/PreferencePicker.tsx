import { useEffect, useState } from 'react';
import type { RecommendPreference } from '../../../../shared/benchDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { PREFERENCE_TEXT } from './tradeoff';

/** "Recommend for: Balanced / Quality / Speed", the user setting the Recommended pick follows. */
export function PreferencePicker({ onChanged }: { onChanged: () => void }) {
  const [preference, setPreference] = useState<RecommendPreference | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.recommendation.getPreference().then(
      (answer) => setPreference(answer.preference),
      (failure: unknown) => setError(errorMessage(failure)),
    );
  }, []);
  const change = async (next: RecommendPreference) => {
    setPreference(next);
    try {
      await api.recommendation.setPreference({ preference: next });
      setError(null);
      onChanged();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2 text-xs">
      <label htmlFor="recommend-preference" className="font-medium">
        Recommend for
      </label>
      <select
        id="recommend-preference"
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        value={preference ?? 'balanced'}
        disabled={preference === null}
        onChange={(event) => void change(event.target.value as RecommendPreference)}
      >
        {(Object.keys(PREFERENCE_TEXT) as RecommendPreference[]).map((key) => (
          <option key={key} value={key}>
            {PREFERENCE_TEXT[key].label}
          </option>
        ))}
      </select>
      <span className={mutedText}>{PREFERENCE_TEXT[preference ?? 'balanced'].hint}</span>
      {error && <span className={cx(errorText)}>Could not change it: {error}</span>}
    </div>
  );
}
