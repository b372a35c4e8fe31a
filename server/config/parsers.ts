import { getAddress, isAddress, SigningKey } from "ethers";
import { z } from "zod";

/** An empty or blank variable counts as unset: `.env` files often carry `NAME=` placeholders. */
export function blankToUndefined(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

export function integer(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
}

const BYTE_UNITS = { b: 1, kb: 1024, mb: 1024 ** 2 } as const;

/** `512kb`, `16mb`, `1048576`: the size notation Express' body parsers document. */
export function byteSize(min: number, max: number) {
  const message = `must be a size such as 512kb or 16mb, from ${min / 1024}kb to ${max / 1024 ** 2}mb`;
  return z
    .string()
    .transform((raw, ctx) => {
      const match = /^(\d{1,12})\s*(b|kb|mb)?$/i.exec(raw);
      const digits = match?.[1];
      if (digits === undefined) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      const unit = (match?.[2]?.toLowerCase() ?? "b") as keyof typeof BYTE_UNITS;
      return Number(digits) * BYTE_UNITS[unit];
    })
    .refine((n) => n >= min && n <= max, message);
}

export function httpUrl(what: string) {
  return z.string().transform((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: "custom", message: `must be an absolute http(s) URL (${what})` });
      return z.NEVER;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `must use http or https (${what})` });
      return z.NEVER;
    }
    return url;
  });
}

/** `postgres://user:password@host:port/database`: never echoed (it carries a password). */
export const databaseUrl = z.string().refine((raw) => {
  try {
    const url = new URL(raw);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.pathname.length > 1;
  } catch {
    return false;
  }
}, "must be a postgres:// or postgresql:// URL naming a database (postgres://user:password@host:5432/certledger)");

export const publicUrl = httpUrl("the base of verification links in QR codes").transform((url, ctx) => {
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    ctx.addIssue({ code: "custom", message: "must have no query, fragment or credentials" });
    return z.NEVER;
  }
  return url.href.replace(/\/+$/, "");
});

export const host = z.union([z.ipv4(), z.ipv6(), z.hostname()], {
  error: "must be an IP address or a host name",
});

export const ethAddress = z.string().transform((raw, ctx) => {
  if (!isAddress(raw)) {
    ctx.addIssue({
      code: "custom",
      message: "must be a 0x-prefixed 20-byte address (mixed case only with a valid checksum)",
    });
    return z.NEVER;
  }
  return getAddress(raw);
});

/** Checked by deriving the public key: a zero key or one above the curve order is refused too. */
export const privateKey = z.string().transform((raw, ctx) => {
  const hex = raw.startsWith("0x") || raw.startsWith("0X") ? `0x${raw.slice(2)}` : `0x${raw}`;
  const fail = () => {
    ctx.addIssue({ code: "custom", message: "must be a 32-byte hex secp256k1 private key" });
    return z.NEVER;
  };
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) return fail();
  try {
    SigningKey.computePublicKey(hex);
  } catch {
    return fail();
  }
  return hex.toLowerCase();
});

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` });

/** Express' `trust proxy` setting: a boolean, a hop count, or addresses/subnets/named ranges. */
export type TrustProxy = boolean | number | readonly string[];

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const proxyAddress = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

export const trustProxy = z.string().transform((raw, ctx): TrustProxy => {
  const lower = raw.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (/^\d{1,3}$/.test(raw)) return Number(raw);
  const entries = raw.split(",").map((entry) => entry.trim());
  const bad = entries.filter((entry) => !PROXY_NAMES.has(entry) && !proxyAddress.safeParse(entry).success);
  if (bad.length > 0) {
    ctx.addIssue({
      code: "custom",
      message:
        "must be true, false, a hop count, or a comma-separated list of IP addresses, CIDR subnets, loopback, linklocal, uniquelocal",
    });
    return z.NEVER;
  }
  return Object.freeze(entries);
});

/** `*` alone, or a comma-separated list of exact origins (`https://agency.example`). */
export const corsOrigins = z.string().transform((raw, ctx): readonly string[] => {
  if (raw === "*") return Object.freeze(["*"]);
  const entries = raw.split(",").map((entry) => entry.trim());
  const isOrigin = (entry: string) => {
    try {
      const url = new URL(entry);
      return (url.protocol === "http:" || url.protocol === "https:") && url.origin === entry;
    } catch {
      return false;
    }
  };
  if (!entries.every(isOrigin)) {
    ctx.addIssue({
      code: "custom",
      message:
        "must be * or a comma-separated list of origins like https://agency.example (no path, no trailing slash)",
    });
    return z.NEVER;
  }
  return Object.freeze(entries);
});
