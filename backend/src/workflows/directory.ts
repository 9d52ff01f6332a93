import { CognitoIdentityProviderClient, ListUsersInGroupCommand } from '@aws-sdk/client-cognito-identity-provider';

/** Who works where: the escalation e-mails go to a station's supervisors. */
export interface StaffDirectory {
  /** E-mail addresses of the enabled users of the `supervisor` group holding any of `stations` (`*` = all). */
  supervisorEmails(stations: readonly string[]): Promise<string[]>;
}

export interface CognitoDirectoryOptions {
  userPoolId: string;
  /** cognito-local's endpoint locally; omitted in AWS. */
  endpoint?: string;
  region?: string;
}

/**
 * The user pool as the staff directory: ListUsersInGroup('supervisor') (paged), filtered by
 * `custom:stations`. The same call in AWS (cognito-idp:ListUsersInGroup on the pool) and on
 * cognito-local.
 */
export function cognitoDirectory(
  opts: CognitoDirectoryOptions,
  client?: CognitoIdentityProviderClient,
): StaffDirectory {
  const idp =
    client ??
    new CognitoIdentityProviderClient({
      region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(opts.endpoint
        ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
    });
  return {
    async supervisorEmails(stations) {
      const wanted = new Set(stations);
      const out = new Set<string>();
      let next: string | undefined;
      do {
        const res = await idp.send(
          new ListUsersInGroupCommand({
            UserPoolId: opts.userPoolId,
            GroupName: 'supervisor',
            ...(next ? { NextToken: next } : {}),
          }),
        );
        for (const u of res.Users ?? []) {
          if (u.Enabled === false) continue;
          const attr = (n: string) => u.Attributes?.find((a) => a.Name === n)?.Value ?? '';
          const held = attr('custom:stations')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          const email = attr('email');
          if (email && (held.includes('*') || held.some((s) => wanted.has(s)))) out.add(email);
        }
        next = res.NextToken;
      } while (next);
      return [...out].sort();
    },
  };
}

/** The directory from the Lambda environment (COGNITO_USER_POOL_ID set by the CDK app); null without one. */
export function directoryFromEnv(env: NodeJS.ProcessEnv = process.env): StaffDirectory | null {
  return env.COGNITO_USER_POOL_ID
    ? cognitoDirectory({
        userPoolId: env.COGNITO_USER_POOL_ID,
        ...(env.COGNITO_ENDPOINT ? { endpoint: env.COGNITO_ENDPOINT } : {}),
      })
    : null;
}
