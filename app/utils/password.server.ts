import { hash, verify } from "@node-rs/argon2";

// OWASP's minimum for argon2id: m=19456 KiB, t=2, p=1 (see docs/decisions/003-auth.md).
const OPTIONS = {
  // Algorithm.Argon2id is an ambient const enum (unusable under isolatedModules); 2 is its value.
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed login, not a 500.
    return false;
  }
}

// Verifying against this when the account does not exist keeps the timing of
// "unknown email" and "wrong password" alike, so neither reveals which it was.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash() {
  dummyHash ??= hashPassword("qiao-timing-equaliser-not-a-password");
  return dummyHash;
}
