// Password hashing with argon2id (@node-rs/argon2, OWASP parameters) and the platform's password policy
// (等保 level 3: complexity). A dummy verify on unknown usernames keeps login timing from revealing accounts.
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 is an ambient const enum, which isolated modules cannot read.
const ARGON2ID = 2;

const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the time of a real verification, for usernames that do not exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('not-a-real-password-0');
  await verifyPassword(await dummyHash, password);
  return false;
}

export interface PolicyProblem {
  message: string;
  messageEn: string;
}

/** Problems with a new password, in Chinese and English; empty when it is acceptable. */
export function passwordProblems(password: string, username: string): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if (password.length < 8) problems.push({ message: '密码至少 8 位', messageEn: 'At least 8 characters' });
  if (password.length > 128)
    problems.push({ message: '密码不能超过 128 位', messageEn: 'At most 128 characters' });
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password))
    problems.push({ message: '密码须同时包含字母和数字', messageEn: 'Use both letters and digits' });
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    problems.push({ message: '密码不能包含用户名', messageEn: 'The password must not contain the username' });
  return problems;
}
