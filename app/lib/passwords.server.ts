// Password hashing with argon2id (@node-rs/argon2's defaults: argon2id, 19 MiB,
// two passes, one lane: OWASP's recommended minimum).
import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;
let verifications = 0;

/**
 * How many argon2 verifications this process has run. Tests read it to prove an
 * unknown address costs the same work as a known one (a count, never a timing).
 */
export function passwordVerificationCount(): number {
  return verifications;
}

/**
 * Check a password against a stored hash. With no hash (an unknown email, a
 * deleted account) it still verifies against a throwaway hash with the same
 * parameters, so both answers take about as long.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash(randomBytes(16).toString("hex"));
    verifications += 1;
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  verifications += 1;
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
