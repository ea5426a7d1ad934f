import type { Reducer } from './draft';

/**
 * Alertmanager's alerts and Prometheus's alerting rules. When they become unknown the last lists
 * are kept beside the reason, so what was last known is still there to read.
 */

export const alerts: Reducer<'alerts'> = (draft, e) => {
  draft.alerts = { list: e.alerts, at: e.at };
};

export const alertsUnknown: Reducer<'alerts-unknown'> = (draft, e) => {
  draft.alerts = { list: draft.alerts?.list ?? [], at: e.at, unknown: e.reason };
};

export const alertRules: Reducer<'alert-rules'> = (draft, e) => {
  draft.alertRules = { rules: e.rules, alerts: e.alerts, at: e.at };
};

export const alertRulesUnknown: Reducer<'alert-rules-unknown'> = (draft, e) => {
  draft.alertRules = {
    rules: draft.alertRules?.rules ?? [],
    alerts: draft.alertRules?.alerts ?? [],
    at: e.at,
    unknown: e.reason,
  };
};
