import { playbookNamedBy } from '../../model/alerts';
import { STEP_DRIVER_ROLE } from '../../model/incident';
import { stepSucceeded } from '../../model/playbookView';
import { alertGroups } from '../../store/selectors';
import type { Controller, ControllerContext } from './controllerContext';

/** Guided triage: answering, ticking, running and skipping steps of the current playbook. */
export function triageController(ctx: ControllerContext) {
  const { setUi, say, openPrompt, journaled, incidentOpen } = ctx;
  const run = () => ctx.triage?.current;

  /** Runs the current step in the background; the view shows it running and then its result. */
  const startStep = (typed?: string) => {
    // Replaces what the status line said before (a refused confirmation must not stay up meanwhile).
    say('running the step… Ctrl-C stops it');
    run()
      ?.runStep(typed)
      .then(
        (r) =>
          say(
            r.dryRun
              ? 'dry run recorded; nothing was executed'
              : `exit ${r.exitCode} in ${r.durationMs}ms${r.timedOut ? ' (timed out)' : r.cancelled ? ' (cancelled)' : ''}`,
          ),
        (err: Error) => say(err.message),
      );
  };

  const actions = {
    openTriage: () => {
      const triage = ctx.triage;
      if (!triage) return;
      if (!incidentOpen())
        return say('declare an incident first (D): the triage is recorded in its timeline');
      // From the alerts view, an alert that names a shipped playbook opens that one.
      const group = ctx.ui().view === 'alerts' ? alertGroups(ctx.store.getState()).selected : undefined;
      const named = group && playbookNamedBy(group.members, (id) => triage.hasPlaybook(id));
      if (!triage.current || (named && triage.current.playbook.id !== named)) {
        try {
          triage.start(named);
          if (named) say(`${group?.name} names the ${named} playbook`);
        } catch (err) {
          return say((err as Error).message);
        }
      }
      setUi({ view: 'triage' });
    },
    leaveTriage: () => setUi({ view: 'dashboard' }),
    /** T in the triage: a finished walk starts again from the top (the journal keeps the first). */
    walkTriageAgain: () => {
      const triage = ctx.triage;
      if (!triage?.finished) return say('the triage is under way: answer, or Esc for the dashboard');
      journaled('the new walk', () => triage.start());
      say('walking the triage again');
    },
    /** From the palette: any loaded playbook by name, on the record as the operator's choice. */
    openPlaybook: (index = 0) => {
      const triage = ctx.triage;
      const chosen = triage?.catalog()[index];
      if (!triage || !chosen) return;
      if (!incidentOpen())
        return say('declare an incident first (D): the playbook is recorded in its timeline');
      journaled('the playbook', () => {
        ctx.incident?.record('decision.answered', {
          playbook: run()?.playbook.id,
          question: 'Which playbook now?',
          answer: chosen.title,
          how: 'chosen by name from the palette',
        });
        triage.start(chosen.id);
      });
      setUi({ view: 'triage' });
    },
    triageYes: () => journaled('the answer', () => run()?.answer('yes')),
    triageNo: () => journaled('the answer', () => run()?.answer('no')),
    /** Number keys: pick a choice, or tick a checklist item. */
    triagePick: (index = 0) => {
      const r = run();
      if (!r) return;
      if (r.node.kind === 'question' && r.node.choices)
        journaled('the answer', () => r.answer(String(index)));
      else if (r.node.kind === 'checklist') journaled('the tick', () => r.toggleTick(index));
    },
    /** Enter: accept the data's proposal, move past a done step, or follow an outcome. */
    triageAccept: () => {
      const r = run();
      if (!r) return;
      const view = r.view();
      if (view.kind === 'question') {
        const v = view.proposal?.verdict;
        if (v === 'yes' || v === 'no') journaled('the answer', () => r.answer(v));
        else say('the data cannot answer this one: press y or n');
        return;
      }
      if (view.kind === 'outcome') {
        if (!view.outcome?.next)
          return say('end of this playbook: T walks the triage again, : opens another by name');
        return journaled('the next playbook', () => ctx.triage?.follow());
      }
      if ((view.kind === 'command' || view.kind === 'shell') && !view.lastResult)
        return say('press r to run this step, s to skip it');
      if (
        (view.kind === 'command' || view.kind === 'shell') &&
        view.lastResult &&
        !stepSucceeded(view.lastResult)
      )
        return say(
          `the step did not succeed (exit ${view.lastResult.exitCode}${view.lastResult.cancelled ? ', cancelled' : ''}): r runs it again, s skips it (its verification then fails)`,
        );
      journaled('the step', () => r.continue());
    },
    /**
     * a: the data's answers, one after another, up to what only the operator can decide: a question
     * the data cannot answer, a checklist, a step, an outcome that ends the walk or keeps watching.
     * An outcome that leads to a playbook is followed. Each answer is recorded as accepted in a row.
     */
    triageAcceptInRow: () => {
      const triage = ctx.triage;
      if (!triage?.current) return;
      let answered = 0;
      journaled('the answers', () => {
        for (let guard = 0; guard < 100; guard++) {
          const r = triage.current;
          const view = r?.view();
          if (!r || !view) return;
          const v = view.kind === 'question' ? view.proposal?.verdict : undefined;
          if (v === 'yes' || v === 'no') {
            r.answer(v, true);
            answered++;
          } else if (view.kind === 'outcome' && view.outcome?.next && !view.outcome.watch) {
            triage.follow();
          } else return;
        }
      });
      if (answered === 0) say('nothing for the data to answer here: y, n, or Enter');
      else say(`${answered} answer${answered === 1 ? '' : 's'} from the data, in a row`);
    },
    triageRunStep: () => {
      const r = run();
      const plan = r?.commandPlan();
      if (!r || !plan) return;
      if (r.isRunning) return say('already running; Ctrl-C stops it');
      const [missing] = plan.missing;
      if (missing)
        return openPrompt({
          purpose: 'parameter',
          label: `Value for {{${missing}}}`,
          value: '',
          carry: missing,
        });
      const word = r.confirmationWord();
      if (word !== undefined && !r.dryRun) {
        return openPrompt({
          purpose: 'confirm-step',
          label: `Destructive. Type "${word}" to run on ${plan.host}: ${plan.argv.join(' ')}`,
          value: '',
        });
      }
      startStep(word);
    },
    triageDryRun: () => run()?.toggleDryRun(),
    /** g: the triage's answers and steps go to another person (on the record); the commander keeps command. */
    giveSteps: () => {
      if (!ctx.incident || !incidentOpen()) return say('no open incident');
      const candidates = ctx.commanderCandidates?.();
      openPrompt({
        purpose: 'give-steps',
        label: `Hand the triage's steps to${candidates ? ` (${candidates.join(', ') || 'nobody else is connected'}; your own name takes them back)` : ''}`,
        value: '',
      });
    },
    triageSkip: () => journaled('the skip', () => run()?.skipStep('skipped by the operator')),
    /** Ctrl-C: stop a running step; with nothing running, quit as usual. */
    triageInterrupt: () => {
      if (run()?.cancelStep()) say('stopping the step…');
      else if (incidentOpen()) setUi({ overlay: 'confirm-quit' });
      else ctx.exit();
    },
  };

  return {
    actions,
    prompts: {
      'give-steps': (value) => {
        const session = ctx.incident;
        if (!session || value === '') return say('cancelled');
        const candidates = ctx.commanderCandidates?.();
        const me = ctx.ui().me?.name;
        if (candidates && value !== me && !candidates.includes(value))
          return say(
            `${value} cannot take them: ${candidates.join(', ') || 'nobody else'} can (connected, not a viewer)`,
          );
        journaled('the hand-over', () => {
          session.record('incident.role', { role: STEP_DRIVER_ROLE, person: value });
          say(value === me ? 'the steps are yours again' : `${value} drives the triage's steps now`);
        });
      },
      parameter: (value, prompt) => {
        try {
          run()?.setParameter(prompt.carry ?? '', value);
          say(`${prompt.carry} = ${value}`);
        } catch (err) {
          say((err as Error).message);
        }
      },
      'confirm-step': (value) => startStep(value),
    },
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/triageBindings.ts`) name. */
export type TriageAction = keyof ReturnType<typeof triageController>['actions'];
