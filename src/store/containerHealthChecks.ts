import {
  containerHealthTarget,
  containerHealthTargetName,
  type ServiceSignals,
} from '../metrics/serviceSignals';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';

/**
 * Containers' own health checks (Docker's HEALTHCHECK, a pod's readiness) counted in their
 * service's health, beside its health URLs: the pane's health column, the health rules, the triage
 * and `status` read them from there. Remembers which service holds each container's check, so a
 * removed container's check leaves with it.
 */
export class ContainerHealthChecks {
  private readonly serviceOfChecked = new Map<string, string>();

  constructor(private readonly signalsFor: (service: string) => ServiceSignals) {}

  /** A container's latest status; true when its service's health changed. */
  observe(status: ContainerStatus, now: number): boolean {
    const before = this.serviceOfChecked.get(status.id);
    const check = containerHealthTarget(status, before !== undefined, now);
    const service = serviceOf(status);
    if (before !== undefined && (!check || before !== service)) this.removed(status.id);
    if (!check) return before !== undefined;
    this.signalsFor(service).addHealth(check);
    this.serviceOfChecked.set(status.id, service);
    return true;
  }

  /** A container that is gone; true when it had a check. */
  removed(id: string): boolean {
    const service = this.serviceOfChecked.get(id);
    if (service === undefined) return false;
    this.signalsFor(service).removeHealth(containerHealthTargetName({ id }));
    this.serviceOfChecked.delete(id);
    return true;
  }
}
