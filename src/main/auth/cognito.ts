import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';

/** Where the desk signs in: a Cognito user pool app client (cognito-local in the local cloud). */
export interface CognitoConfig {
  /** Set for cognito-local; omitted for AWS (the SDK derives it from the region). */
  endpoint?: string;
  region: string;
  clientId: string;
  userPoolId?: string;
}

export interface AuthTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
}

/** The two Cognito calls the desk needs; tests may substitute it, the app uses {@link cognitoAuthApi}. */
export interface CognitoAuthApi {
  passwordAuth(username: string, password: string): Promise<AuthTokens>;
  refresh(refreshToken: string): Promise<AuthTokens>;
}

/** Thrown for wrong credentials and other refusals by Cognito (maps to RPC `AUTH_FAILED`). */
export class AuthFailedError extends Error {
  override name = 'AuthFailedError';
}

/** InitiateAuth with USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH via the AWS SDK. */
export function cognitoAuthApi(cfg: CognitoConfig): CognitoAuthApi {
  const client = new CognitoIdentityProviderClient({
    region: cfg.region,
    ...(cfg.endpoint
      ? {
          endpoint: cfg.endpoint,
          // InitiateAuth needs no AWS credentials; cognito-local ignores them but the SDK's
          // default provider chain would otherwise go looking for some.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
  const call = async (
    input: ConstructorParameters<typeof InitiateAuthCommand>[0],
    keepRefresh: string | null,
  ): Promise<AuthTokens> => {
    let out;
    try {
      out = await client.send(new InitiateAuthCommand(input));
    } catch (err) {
      const e = err as { name?: string; message?: string };
      // Cognito says NotAuthorized/UserNotFound; cognito-local says InvalidPassword for the same case.
      if (
        e.name === 'NotAuthorizedException' ||
        e.name === 'UserNotFoundException' ||
        e.name === 'InvalidPasswordException'
      )
        throw new AuthFailedError('wrong username or password');
      if (e.name === 'UserNotConfirmedException') throw new AuthFailedError('this account is not confirmed yet');
      if (e.name === 'PasswordResetRequiredException')
        throw new AuthFailedError('a password reset is required for this account');
      throw err;
    }
    const r = out.AuthenticationResult;
    if (!r?.IdToken || !r.AccessToken)
      throw new AuthFailedError(
        out.ChallengeName ? `sign-in needs ${out.ChallengeName}, not supported by the desk yet` : 'no tokens returned',
      );
    return { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: r.RefreshToken ?? keepRefresh };
  };
  return {
    passwordAuth: (username, password) =>
      call(
        {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: cfg.clientId,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        },
        null,
      ),
    refresh: (refreshToken) =>
      call(
        { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: cfg.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } },
        refreshToken,
      ),
  };
}
