import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AdminRole, AdminUser } from '../../../src/shared/policy/admin-contract.js';

/**
 * Users and roles in the Cognito user pool (the admin API's `users` routes). A role is membership of
 * one of the groups `agent` / `supervisor` / `admin` (the token's `cognito:groups`); stations are the
 * `custom:stations` attribute (comma-separated, `*` = all), as the demo users are created
 * (local/services/cognito.ts). The same calls run on cognito-local and in AWS.
 */
export interface UserAdmin {
  list(): Promise<AdminUser[]>;
  /** Set exactly one role group and the stations. Null when the user does not exist. */
  update(username: string, role: AdminRole, stations: string[]): Promise<AdminUser | null>;
}

export const ROLE_GROUPS: readonly AdminRole[] = ['agent', 'supervisor', 'admin'];

const attr = (attrs: AttributeType[] | undefined, name: string) => attrs?.find((a) => a.Name === name)?.Value ?? null;
const topRole = (groups: string[]): AdminRole | null =>
  groups.includes('admin') ? 'admin' : groups.includes('supervisor') ? 'supervisor' : groups.includes('agent') ? 'agent' : null;
const stationsOf = (raw: string | null) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function cognitoUserAdmin(opts: { userPoolId: string; endpoint?: string; region?: string }): UserAdmin {
  const idp = new CognitoIdentityProviderClient({
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const pool = opts.userPoolId;
  const groupsOf = async (username: string): Promise<string[]> => {
    const out: string[] = [];
    let next: string | undefined;
    do {
      const r = await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: pool, Username: username, ...(next ? { NextToken: next } : {}) }));
      out.push(...(r.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean));
      next = r.NextToken;
    } while (next);
    return out.sort();
  };
  return {
    async list() {
      // Group membership by role group (3 paged calls) rather than one call per user.
      const member = new Map<string, string[]>();
      for (const g of ROLE_GROUPS) {
        let next: string | undefined;
        do {
          const r = await idp.send(new ListUsersInGroupCommand({ UserPoolId: pool, GroupName: g, ...(next ? { NextToken: next } : {}) }));
          for (const u of r.Users ?? []) if (u.Username) member.set(u.Username, [...(member.get(u.Username) ?? []), g]);
          next = r.NextToken;
        } while (next);
      }
      const users: AdminUser[] = [];
      let token: string | undefined;
      do {
        const r = await idp.send(new ListUsersCommand({ UserPoolId: pool, ...(token ? { PaginationToken: token } : {}) }));
        for (const u of r.Users ?? []) {
          const groups = (member.get(u.Username ?? '') ?? []).sort();
          users.push({
            username: u.Username ?? '',
            email: attr(u.Attributes, 'email'),
            role: topRole(groups),
            groups,
            stations: stationsOf(attr(u.Attributes, 'custom:stations')),
            enabled: u.Enabled !== false,
            status: u.UserStatus ?? null,
          });
        }
        token = r.PaginationToken;
      } while (token);
      return users.sort((a, b) => (a.username < b.username ? -1 : 1));
    },
    async update(username, role, stations) {
      let user;
      try {
        user = await idp.send(new AdminGetUserCommand({ UserPoolId: pool, Username: username }));
      } catch (err) {
        if ((err as Error).name === 'UserNotFoundException') return null;
        throw err;
      }
      await idp.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: pool, Username: username, UserAttributes: [{ Name: 'custom:stations', Value: stations.join(',') }] }),
      );
      // Add the new role first, then drop the others: the user is never without a role in between.
      await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: username, GroupName: role }));
      for (const g of await groupsOf(username))
        if (g !== role && ROLE_GROUPS.includes(g as AdminRole))
          await idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: username, GroupName: g }));
      const groups = await groupsOf(username);
      return {
        username,
        email: attr(user.UserAttributes, 'email'),
        role: topRole(groups),
        groups,
        stations,
        enabled: user.Enabled !== false,
        status: user.UserStatus ?? null,
      };
    },
  };
}
