import type { AddressInfo } from 'node:net'
import type { ParsedMail } from 'mailparser'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import type { SMTPServerOptions } from 'smtp-server'

export interface LoopbackSmtp {
  /** `smtp://127.0.0.1:<port>` (with `user:pass@` when the server asks for a login). */
  url: string
  /** Each accepted message, parsed, with the envelope's recipients. */
  messages: Array<{ mail: ParsedMail; rcptTo: string[] }>
  /** Resolves with the next message to arrive (or the first already received). */
  nextMessage(): Promise<{ mail: ParsedMail; rcptTo: string[] }>
  close(): Promise<void>
}

export interface SmtpBehaviour {
  /** Reject each recipient with this reply, e.g. `{ code: 550, text: 'no such user' }`. */
  rejectRcpt?: { code: number; text: string }
  /** Require this login (any other is refused with 535). */
  login?: { user: string; pass: string }
}

/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1, port 0, without STARTTLS, that keeps what it
 * receives, parsed by `mailparser`.
 */
export async function startSmtp(behaviour: SmtpBehaviour = {}): Promise<LoopbackSmtp> {
  const messages: LoopbackSmtp['messages'] = []
  const waiting: Array<(m: LoopbackSmtp['messages'][number]) => void> = []
  const options: SMTPServerOptions = {
    authOptional: behaviour.login === undefined,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const l = behaviour.login
      if (l !== undefined && auth.username === l.user && auth.password === l.pass)
        callback(null, { user: l.user })
      else callback(Object.assign(new Error('authentication failed'), { responseCode: 535 }))
    },
    onRcptTo(_address, _session, callback) {
      const r = behaviour.rejectRcpt
      if (r === undefined) callback()
      else callback(Object.assign(new Error(r.text), { responseCode: r.code }))
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const m = { mail, rcptTo: session.envelope.rcptTo.map((a) => a.address) }
          messages.push(m)
          waiting.splice(0).forEach((w) => w(m))
          callback()
        })
        .catch((err: Error) => callback(err))
    },
  }
  const server = new SMTPServer(options)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  const login =
    behaviour.login === undefined ? '' : `${behaviour.login.user}:${behaviour.login.pass}@`
  return {
    url: `smtp://${login}127.0.0.1:${port}`,
    messages,
    nextMessage: () =>
      messages[0] !== undefined
        ? Promise.resolve(messages[0])
        : new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
