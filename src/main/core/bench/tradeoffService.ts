import type { RecommendPreference } from '../../../shared/benchDto';
import type { RecommendContext } from '../hardware/recommend';
import { priorQuality, type QualityLookup } from '../hub/quantQuality';
import type { SettingsStore } from '../settings/settingsStore';
import type { BenchService } from './benchService';

/**
 * What the recommendation weighs besides fit: the machine profile (measured or default), the
 * user's preference (settings.json, `recommendation` section), and where quality losses come from
 * (the cited prior; the quantization lab's measurements once `quality` is given them, see
 * `withMeasurements` in hub/quantQuality.ts).
 */
export class TradeoffService {
  constructor(
    private readonly options: {
      bench: Pick<BenchService, 'profile'>;
      settings: SettingsStore;
      quality?: QualityLookup;
    },
  ) {}

  async context(): Promise<RecommendContext> {
    const [profile, preference] = await Promise.all([this.options.bench.profile(), this.getPreference()]);
    return { profile, preference, quality: this.options.quality ?? priorQuality };
  }

  async getPreference(): Promise<RecommendPreference> {
    return (await this.options.settings.get('recommendation')).preference;
  }

  async setPreference(preference: RecommendPreference): Promise<RecommendPreference> {
    return (await this.options.settings.update('recommendation', (current) => ({ ...current, preference }))).preference;
  }
}
