import argon2 from 'argon2';
import { problems } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 12;

export function checkPasswordStrength(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw problems.invalid(field, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 256) throw problems.invalid(field, 'must be at most 256 characters');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Verified against when the account does not exist, so that a wrong username costs the same
// time as a wrong password and does not reveal which accounts exist.
let decoy: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    decoy ??= hashPassword('no such account, no such password');
    await argon2.verify(await decoy, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
