import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { AppConfig } from '../config/app-config';

/** A message as features write it: the sender is the service's (SMTP_FROM). */
export type MailMessage = Omit<Mail.Options, 'from'>;

/**
 * The service's one way out by e-mail (SMTP_URL, SMTP_FROM): alerts and monthly reports alike. One
 * transport, made at the first message and closed at shutdown. `send` resolves once the SMTP
 * server took the message for at least one recipient, and throws (with the server's words) otherwise,
 * so a caller marks a message sent only when it went.
 */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  /** Whether SMTP is set: without it nothing can go out (callers say so rather than drop a message). */
  get configured(): boolean {
    return this.config.smtp !== undefined;
  }

  async send(message: MailMessage): Promise<void> {
    const smtp = this.config.smtp;
    if (!smtp) throw new Error('SMTP_URL is not set: no e-mail can go out');
    this.transport ??= createTransport(smtp.url);
    const info = (await this.transport.sendMail({ ...message, from: smtp.from })) as { accepted?: unknown[] };
    if (!info.accepted?.length) throw new Error('the SMTP server took no recipient');
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
