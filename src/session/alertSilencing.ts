import { type Alert, type AlertMatcher, matchersCatch } from '../model/alerts';
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
  return { matchers, ...options, catches: alerts.filter((a) => matchersCatch(matchers, a)) };
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
    journal?.record('silence.result', { matchers, error: sanitize((err as Error).message) });
    throw err;
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
