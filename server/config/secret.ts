import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A value that must never reach a log line: JSON, string conversion and `util.inspect` (which pino
 * and console use) all print `[redacted]`. Read the value only where it is used, with `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
