import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Password hashing: argon2id with @node-rs/argon2's defaults (19 MiB, two
 * passes, one lane: OWASP's minimum for argon2id), stored as the PHC string.
 * @node-rs/argon2 ships prebuilt binaries, so `npm ci` needs no compiler.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Verified when the username is unknown, so that an unknown name takes as long as a wrong password. */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$1dPIjHoiIDj4zkQ3TwITyw$H7JUeqF9bSuAR4quvxRjpN6Z6QUlgkn8rdHm/cnx9IQ';

/** At least 8 characters: the one rule the CLI, the API and the UI share. */
export const PASSWORD_MIN_LENGTH = 8;
