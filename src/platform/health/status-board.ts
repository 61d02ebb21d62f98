import { Injectable } from '@nestjs/common';

/** A background component's state as /health shows it: degraded when it fails, disabled when not configured. */
export interface ComponentStatus {
  status: 'up' | 'degraded' | 'disabled';
  [detail: string]: unknown;
}

/**
 * Components that work in the background (the dashboards publisher) report their state here, and
 * /health shows it: platform owns the board, features write on it, so health depends on no feature.
 */
@Injectable()
export class StatusBoard {
  private readonly components = new Map<string, () => ComponentStatus>();

  report(component: string, status: () => ComponentStatus): void {
    this.components.set(component, status);
  }

  all(): Record<string, ComponentStatus> {
    return Object.fromEntries([...this.components].sort(([a], [b]) => a.localeCompare(b)).map(([name, status]) => [name, status()]));
  }
}
