import { SYSTEM_ACTOR } from '../../core/access/principal.ts';
import type { Role } from '../../core/access/roles.ts';
import { principalFor } from '../../core/auth/principals.ts';
import { Problem } from '../../core/errors.ts';
import { createUser, resetPassword } from '../../modules/users/service.ts';
import { findUserByUsername } from '../../modules/users/queries.ts';
import { checkScopes, createToken } from '../../modules/identity/service.ts';
import { generatedPassword, withRuntime } from '../with-runtime.ts';

const chosenPassword = (given?: string) => given ?? process.env.N3SP_PASSWORD;

export async function createUserCommand(opts: { username: string; name: string; role: Role[]; email?: string; organisation?: string[]; supplier?: string; password?: string }) {
  await withRuntime(async (rt) => {
    const password = chosenPassword(opts.password) ?? generatedPassword();
    const created = await createUser(rt, SYSTEM_ACTOR, {
      username: opts.username,
      displayName: opts.name,
      email: opts.email ?? null,
      roles: opts.role,
      organisations: opts.organisation?.map((c) => c.toUpperCase()),
      supplierId: opts.supplier ? Number(opts.supplier) : null,
      password,
    });
    console.log(`created user ${created.username} (id ${created.id}) with roles ${created.roles.join(', ')}`);
    if (!chosenPassword(opts.password)) console.log(`password: ${password}`);
  });
}

export async function resetPasswordCommand(username: string, opts: { password?: string }) {
  await withRuntime(async (rt) => {
    const user = await userNamed(rt.db, username);
    const password = chosenPassword(opts.password) ?? generatedPassword();
    await resetPassword(rt, SYSTEM_ACTOR, { kind: 'network' }, user.id, password);
    console.log(`password of ${user.username} reset; their sessions were ended`);
    if (!chosenPassword(opts.password)) console.log(`password: ${password}`);
  });
}

export async function createTokenCommand(opts: { user: string; name: string; scope: string[]; expiresInDays?: string }) {
  await withRuntime(async (rt) => {
    const user = await userNamed(rt.db, opts.user);
    const owner = principalFor({ ...user, organisation_ids: [] }, 'token');
    checkScopes(owner, opts.scope);
    const token = await createToken(rt, owner, user.id, { name: opts.name, scopes: opts.scope, expiresInDays: opts.expiresInDays ? Number(opts.expiresInDays) : undefined });
    console.log(`token ${token.id} "${token.name}" for ${user.username}, scopes ${token.scopes.join(' ')} (shown once):`);
    console.log(token.token);
  });
}

async function userNamed(db: Parameters<typeof findUserByUsername>[0], username: string) {
  const user = await findUserByUsername(db, username);
  if (!user) throw new Problem(400, 'cli', `no user named ${username}`);
  return user;
}
