import type { Bindings } from '../../model/keys';
import type { ReplayAction } from '../controllers/replayController';

/** A replay's clock (`opsconsole replay`); on a live console they say so and do nothing. */
export const REPLAY_BINDINGS: Bindings<ReplayAction> = {
  global: [
    { keys: [' '], action: 'replayPause', description: 'replay: play or pause', replayOnly: true },
    { keys: ['.'], action: 'replayStep', description: 'replay: one second on (paused)', replayOnly: true },
    // Bindings alike but for their key and arg are one line in the help: "<, >  replay: slower, faster".
    { keys: ['<'], action: 'replaySpeed', arg: -1, description: 'replay: slower, faster', replayOnly: true },
    { keys: ['>'], action: 'replaySpeed', arg: 1, description: 'replay: slower, faster', replayOnly: true },
    {
      keys: ['['],
      action: 'replayEntry',
      arg: -1,
      description: 'replay: previous, next entry',
      replayOnly: true,
    },
    {
      keys: [']'],
      action: 'replayEntry',
      arg: 1,
      description: 'replay: previous, next entry',
      replayOnly: true,
    },
  ],
};
