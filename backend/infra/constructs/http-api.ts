import { CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerManifestEntry } from '../../src/handlers.js';

export interface ApiRouteTarget {
  handler: HandlerManifestEntry;
  fn: lambda.IFunction;
}

/** `GET /v1/sync/pull` → { method: GET, path: /v1/sync/pull }. */
export function parseRouteKey(key: string): { method: apigw.HttpMethod; path: string } {
  const m = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*)$/.exec(key);
  if (!m?.[1] || !m[2]) throw new Error(`bad route key '${key}' (expected 'METHOD /path')`);
  return { method: m[1] as apigw.HttpMethod, path: m[2] };
}

/**
 * The HTTP API (API Gateway v2): one route per manifest route key, each a Lambda proxy
 * integration; routes marked `authorized` (all but health) require a Cognito ID token, checked
 * by a JWT authorizer (issuer = the pool, audience = the desk client). Handlers still read the
 * claims (groups, stations) from the authorizer context.
 */
export class JetwayHttpApi extends Construct {
  readonly api: apigw.HttpApi;

  constructor(
    scope: Construct,
    id: string,
    props: {
      name: string;
      issuer: string;
      audience: string[];
      routes: ApiRouteTarget[];
      logRetention: logs.RetentionDays;
    },
  ) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', { apiName: props.name, createDefaultStage: false });
    // The `$default` stage (base URL = apiEndpoint) with access logs (no headers, so no tokens)
    // and a stage-wide throttle so one misbehaving desk cannot exhaust the account's Lambda pool.
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            bytes: '$context.responseLength',
            user: '$context.authorizer.claims.sub',
            authError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const authorizer = new HttpJwtAuthorizer('CognitoJwt', props.issuer, {
      jwtAudience: props.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const seen = new Set<string>();
    for (const { handler, fn } of props.routes) {
      const integration = new HttpLambdaIntegration(`${handler.name}Integration`, fn);
      for (const key of handler.routes ?? []) {
        if (seen.has(key)) throw new Error(`route ${key} is served by two handlers`);
        seen.add(key);
        const { method, path } = parseRouteKey(key);
        const routes = this.api.addRoutes({
          path,
          methods: [method],
          integration,
          ...(handler.authorized === false ? {} : { authorizer }),
        });
        if (handler.authorized === false) {
          for (const r of routes)
            Validations.of(r).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: `${key} is public by design (src/handlers.ts authorized: false): a liveness check for load balancers and the desk, it returns no data.`,
            });
        }
      }
    }
    new CfnOutput(scope, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'Jetway HTTP API base URL (desk: JETWAY_API_URL)',
    });
  }
}
