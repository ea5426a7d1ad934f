import { type Alert, type AlertMatcher, hasControlCharacter, silenceCatches } from '../model/alerts';
import type { PayloadInput, RecordKind } from '../model/journalRecord';
import { sanitize } from '../text/sanitize';

/** The part of Alertmanager's API silencing needs (the sources layer's client provides it). */
export interface SilenceApi {
  createSilence(silence: {
    matchers: AlertMatcher[];
    startsAt: number;
    endsAt: number;
    createdBy: string;
    comment: string;
  }): Promise<string>;
  expireSilence(id: string): Promise<void>;
}

/**
 * An error the Alertmanager answered with (an HTTP status): the request was refused and nothing
 * exists. Any other failure (a timeout, a cut connection, an answer that cannot be read) comes after
 * the request left, so the silence may exist anyway. The sources layer's client sets `refused`.
 */
export function wasRefused(err: unknown): boolean {
  return (err as { refused?: unknown } | undefined)?.refused === true;
}

/** Where silencing is journaled: the incident's recorder, or nothing when no incident is named. */
export interface SilenceJournal {
  record<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): unknown;
}

/** A silence about to be asked for: exactly what it matches and which alerts it holds quiet now. */
export interface SilencePlan {
  matchers: AlertMatcher[];
  durationMs: number;
  comment: string;
  createdBy: string;
  /** The alerts these matchers catch right now. */
  catches: Alert[];
}

/** The comment Alertmanager shows beside the silence: who is on it, and for which incident. */
export function silenceComment(incidentId: string | undefined, text: string | undefined): string {
  const parts = ['opsconsole', incidentId && `incident ${incidentId}`, text?.trim()].filter(Boolean);
  return parts.join(': ');
}

export function planSilence(
  matchers: AlertMatcher[],
  alerts: readonly Alert[],
  options: { durationMs: number; comment: string; createdBy: string },
): SilencePlan {
  return { matchers, ...options, catches: alerts.filter(silenceCatches(matchers)) };
}

/**
 * Creates the silence, journaling the intent before asking and what Alertmanager answered after,
 * refused or not: the timeline shows who silenced what even when it failed.
 */
export async function createSilence(
  client: SilenceApi,
  plan: SilencePlan,
  journal: SilenceJournal | undefined,
  now = Date.now(),
): Promise<{ id: string; endsAt: number }> {
  const { matchers } = plan;
  // What the operator confirmed was shown inert; text that is not shown as itself is not sent.
  const texts = [...matchers.flatMap((m) => [m.name, m.value]), plan.comment, plan.createdBy];
  if (texts.some(hasControlCharacter))
    throw new Error(
      'a matcher or the comment holds a control character, which cannot be shown as it would be sent; nothing was sent',
    );
  journal?.record('silence.intent', {
    matchers,
    durationMs: plan.durationMs,
    comment: plan.comment,
    catches: plan.catches.length,
  });
  const endsAt = now + plan.durationMs;
  try {
    const id = await client.createSilence({
      matchers,
      startsAt: now,
      endsAt,
      createdBy: plan.createdBy,
      comment: plan.comment,
    });
    journal?.record('silence.result', { matchers, silenceId: id, endsAt: new Date(endsAt).toISOString() });
    return { id, endsAt };
  } catch (err) {
    const why = sanitize((err as Error).message);
    if (wasRefused(err)) {
      journal?.record('silence.result', { matchers, error: why });
      throw err;
    }
    const error = `${why}; the request was sent, so the silence may exist anyway: check with opsconsole alerts before asking again`;
    journal?.record('silence.result', { matchers, error, mayExist: true });
    throw new Error(error);
  }
}

/** Expires silences one by one, journaling each; returns the ones that could not be expired, with why. */
export async function expireSilences(
  client: SilenceApi,
  ids: readonly string[],
  journal: SilenceJournal | undefined,
): Promise<{ id: string; error: string }[]> {
  const failed: { id: string; error: string }[] = [];
  for (const id of ids) {
    try {
      await client.expireSilence(id);
      journal?.record('silence.expired', { silenceId: id });
    } catch (err) {
      const error = sanitize((err as Error).message);
      journal?.record('silence.expired', { silenceId: id, error });
      failed.push({ id, error });
    }
  }
  return failed;
}
