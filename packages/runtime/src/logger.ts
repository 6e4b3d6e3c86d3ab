/**
 * Structured logging: one JSON object per line, which is what CloudBase's log search indexes.
 * Callers pass fields, never pre-formatted strings with secrets in them.
 */
export type LogFields = Record<string, unknown>

export interface Logger {
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

/** Writes JSON lines to stdout/stderr. */
export function jsonLogger(write: (line: string, level: 'info' | 'warn' | 'error') => void = defaultWrite): Logger {
  const emit = (level: 'info' | 'warn' | 'error') => (msg: string, fields?: LogFields) =>
    write(JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields }), level)
  return { info: emit('info'), warn: emit('warn'), error: emit('error') }
}

function defaultWrite(line: string, level: 'info' | 'warn' | 'error'): void {
  if (level === 'info') process.stdout.write(line + '\n')
  else process.stderr.write(line + '\n')
}

/** Collects lines in memory (tests assert on them). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const logger = jsonLogger((line) => void lines.push(line))
  return Object.assign(logger, { lines })
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
