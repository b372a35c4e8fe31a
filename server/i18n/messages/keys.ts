import type { en } from "./en.ts";

export type MessageKey = keyof typeof en;

type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The `{placeholder}` names of a message, read from the English text at compile time. */
export type MessageParamNames<K extends MessageKey> = Placeholders<(typeof en)[K]>;
