// Secrets sent to people (links by email, session cookies) are random; only their
// SHA-256 is stored, so a copy of the database cannot be used to follow a link or
// take over a session. A fast hash is right here: the tokens have 256 (links) or
// 200 (sessions) bits of entropy, nothing to guess.
import { createHash, randomBytes } from "node:crypto";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function generateToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}
