import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';

const REQUESTS = '$CONTROL/dynamic-security/v1';
const RESPONSES = `${REQUESTS}/response`;
/** Commands per request message: Mosquitto answers each message with one response holding all of them. */
const COMMANDS_PER_MESSAGE = 100;
const ANSWER_TIMEOUT_MS = 5_000;

export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

export interface DynsecResponse {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
  correlationData?: string;
}

export class DynsecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynsecError';
  }
}

/**
 * Talks to Mosquitto's dynamic security plugin over its control topic, with an admin credential (the
 * one in `url`). Connects on first use, on a connection of its own: its answers must not go through
 * the service's shared subscriptions or its acknowledgement flow.
 */
export class DynsecClient {
  private client?: Promise<MqttClient>;
  private readonly waiting = new Map<string, (responses: DynsecResponse[]) => void>();

  constructor(
    private readonly url: string,
    private readonly clientId: string,
  ) {}

  /** Sends the commands in order and answers their responses in the same order (each may carry an `error`). */
  async send(commands: readonly DynsecCommand[]): Promise<DynsecResponse[]> {
    const responses: DynsecResponse[] = [];
    for (let i = 0; i < commands.length; i += COMMANDS_PER_MESSAGE) {
      responses.push(...(await this.request(commands.slice(i, i + COMMANDS_PER_MESSAGE))));
    }
    return responses;
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    this.client = undefined;
    await client?.endAsync(true);
  }

  private async request(commands: readonly DynsecCommand[]): Promise<DynsecResponse[]> {
    const client = await this.connect();
    const id = randomBytes(8).toString('hex');
    const answered = new Promise<DynsecResponse[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new DynsecError(`Mosquitto's dynamic security plugin did not answer within ${ANSWER_TIMEOUT_MS} ms (is it loaded, and is this an admin credential?)`));
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(id, (responses) => {
        clearTimeout(timer);
        resolve(responses);
      });
    });
    await client.publishAsync(REQUESTS, JSON.stringify({ commands: commands.map((c, i) => ({ ...c, correlationData: `${id}:${i}` })) }), { qos: 1 });
    const responses = await answered;
    if (responses.length !== commands.length) throw new DynsecError(`expected ${commands.length} answers from the dynamic security plugin, got ${responses.length}`);
    return responses;
  }

  private connect(): Promise<MqttClient> {
    this.client ??= (async () => {
      // The first connection is not retried (a broker that is away fails the request at once); later ones are.
      const options = { clientId: `${this.clientId}-dynsec-${randomBytes(4).toString('hex')}`, clean: true, reconnectPeriod: 1_000, connectTimeout: 5_000, log: () => undefined };
      const client = await mqtt.connectAsync(this.url, options, false);
      client.on('message', (topic, payload) => this.answer(payload));
      client.on('error', () => undefined);
      const [granted] = await client.subscribeAsync(RESPONSES, { qos: 1 });
      if (!granted || granted.qos > 2) throw new DynsecError(`Mosquitto refused a subscription to ${RESPONSES}: the service's MQTT credential must be a dynamic security admin`);
      return client;
    })().catch((err: Error) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private answer(payload: Buffer): void {
    let responses: DynsecResponse[];
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses?: DynsecResponse[] }).responses ?? [];
    } catch {
      return;
    }
    const id = responses[0]?.correlationData?.split(':')[0];
    const resolve = id === undefined ? undefined : this.waiting.get(id);
    if (!resolve || id === undefined) return;
    this.waiting.delete(id);
    resolve(responses);
  }
}
