import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The roles of ARCHITECTURE.md, as Cognito groups (tokens carry them in `cognito:groups`). */
export const USER_GROUPS = ['agent', 'supervisor', 'admin'] as const;

/**
 * Cognito user pool for desk users: admin-created accounts only, groups per role, custom
 * attribute `stations` (comma-separated IATA codes or `*`), and one public app client for the
 * desk (USER_PASSWORD_AUTH + SRP, no secret). The client can read `custom:stations` but not
 * write it: otherwise a user could widen their own station scope with UpdateUserAttributes.
 */
export class JetwayAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** Issuer of the pool's tokens (the JWT authorizer's issuer). */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: { namePrefix: string; retain: boolean }) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${props.namePrefix}users`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: false, mutable: true } },
      customAttributes: { stations: new cognito.StringAttribute({ minLen: 1, maxLen: 256, mutable: true }) },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP): gate agents sign in on shared airport PCs where a personal second factor is often not at hand; accounts are admin-created only, and the desk locks its offline session to the signed-in user.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'The Plus feature plan (threat protection) is a per-user cost the operator decides on; the pool allows no self sign-up and users are created by an admin.',
    });
    for (const group of USER_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group });
    }
    const standard = { email: true, emailVerified: true, preferredUsername: true, fullname: true };
    this.client = this.userPool.addClient('DeskClient', {
      userPoolClientName: `${props.namePrefix}desk`,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(12),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes(standard).withCustomAttributes('stations'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        preferredUsername: true,
        fullname: true,
      }),
    });
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
