import { Injectable } from '@nestjs/common';

/**
 * What a connector run needs from the outside world: HTTP, waiting, and the secrets named in
 * contract files. One thin adapter, so tests and other hosts can replace it.
 */
@Injectable()
export class ConnectorIo {
  readonly fetch: typeof fetch = (input, init) => fetch(input, init);

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Read when a run starts, never stored: contract files name the variable, so AppConfig cannot know it at boot. */
  secret(name: string): string | undefined {
    // eslint-disable-next-line no-restricted-properties
    const value = process.env[name];
    return value === undefined || value === '' ? undefined : value;
  }
}
