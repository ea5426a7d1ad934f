import type { Bindings } from '../../model/keys';
import type { PatternsAction } from '../controllers/patternsController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const PATTERNS_BINDINGS: Bindings<PatternsAction> = {
  global: [{ keys: ['P'], action: 'togglePatterns', description: 'log patterns / dashboard' }],
  patterns: [
    { keys: ['v'], action: 'cyclePatternMode', description: 'new · spiking · all' },
    { keys: ['r'], action: 'followPatternRequest', description: "follow a sample's request" },
  ],
};
