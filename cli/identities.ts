/**
 * `trent user create` and `trent role create`: a few IAM calls in a row (awsQuery, signed for iam in us-east-1,
 * as IAM is global). The first call makes the identity; when a later one fails, what was made stays made, and the
 * command says exactly what exists and what does not rather than pretending nothing happened.
 *
 * The one secret (a new access key's) goes to stdout once, and nowhere else.
 */
import { readFile } from 'node:fs/promises';
import { type Credentials, callQuery } from './signed-request.js';

const IAM_API = { service: 'iam', version: '2010-05-08', region: 'us-east-1' } as const;

// ---------------------------------------------------------------------------------------------------------------
// Reading IAM's XML: small, fixed-shape documents, so named elements are found by their tags.

const ELEMENT_NAME = /^[A-Za-z_][\w.-]*$/;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function characterReference(reference: string): string | undefined {
  const codePoint = reference.startsWith('#x') ? Number.parseInt(reference.slice(2), 16) : Number(reference.slice(1));
  return Number.isInteger(codePoint) && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined;
}

/** Text as XML escapes it: the five named entities and decimal or hex character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#\d+|[A-Za-z]+);/g, (whole, reference: string) =>
    reference.startsWith('#') ? (characterReference(reference) ?? whole) : (NAMED_ENTITIES[reference] ?? whole),
  );
}

/**
 * The raw content of the first element called `name` in `xml` (attributes such as xmlns allowed), `''` for an
 * empty one, or undefined when there is none. The shapes read here never nest an element inside one of its name.
 */
export function elementContent(xml: string, name: string): string | undefined {
  if (!ELEMENT_NAME.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
  const open = new RegExp(`<${name.replaceAll('.', '\\.')}(?:\\s[^>]*?)?(/?)>`).exec(xml);
  if (open === null) return undefined;
  if (open[1] === '/') return '';
  const start = open.index + open[0].length;
  const end = xml.indexOf(`</${name}>`, start);
  return end < 0 ? undefined : xml.slice(start, end);
}

/** The decoded text of the first element called `name`, or undefined when there is none. */
export function elementText(xml: string, name: string): string | undefined {
  const content = elementContent(xml, name);
  return content === undefined ? undefined : decodeXmlText(content);
}

/** The named child elements of `container` that are present, as text, in the order named. */
function textFields(xml: string, container: string, names: readonly string[]): Record<string, string> {
  const content = elementContent(xml, container);
  if (content === undefined) throw new Error(`the answer has no ${container}`);
  const fields: Record<string, string> = {};
  for (const name of names) {
    const text = elementText(content, name);
    if (text !== undefined) fields[name] = text;
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------------------------
// Calling IAM

/** An error IAM answered with: its `<Code>` and `<Message>`. */
export class IamError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'IamError';
  }
}

/** How much of an answer that is not IAM's XML is worth showing: enough to recognise a proxy's error page. */
const SHOWN_UNEXPECTED_CHARS = 200;

/** The XML of a successful answer; an IamError for any other. */
export function answerOf(status: number, xml: string): string {
  if (status === 200) return xml;
  const error = elementContent(xml, 'Error') ?? '';
  const code = elementText(error, 'Code');
  if (code !== undefined) throw new IamError(code, elementText(error, 'Message') ?? '');
  throw new IamError('UnexpectedResponse', `HTTP ${status}: ${xml.slice(0, SHOWN_UNEXPECTED_CHARS)}`);
}

export type Iam = (action: string, params: Readonly<Record<string, string>>) => Promise<string>;

export function iamAt(endpoint: string, credentials: Credentials): Iam {
  return async (action, params) => {
    const response = await callQuery(endpoint, credentials, { ...IAM_API, action, params });
    return answerOf(response.status, response.text);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Commands that make several things

/** One IAM call of a command, what it makes (named for the report when a later call fails) and what it prints. */
export interface CreationStep {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly makes: string;
  /** The part of the answer the command prints; throws when the answer lacks it. */
  readonly output?: (xml: string) => Record<string, unknown>;
}

/** A command stopped after its first call made something: `report` says what exists and what does not. */
export class PartialCreation extends Error {
  constructor(
    readonly failure: unknown,
    readonly report: string,
  ) {
    super('stopped part way', { cause: failure });
    this.name = 'PartialCreation';
  }
}

function stepOutcome(step: CreationStep, index: number, failedAt: number, failure: unknown): string {
  if (index < failedAt) return `  made:     ${step.makes} (${step.action})`;
  if (index > failedAt) return `  not made: ${step.makes} (${step.action} not attempted)`;
  return failure instanceof IamError
    ? `  not made: ${step.makes} (${step.action} failed)`
    : `  unknown:  ${step.makes} (${step.action} got no usable answer; check before retrying)`;
}

/** What exists after the call at `failedAt` failed, step by step. */
export function creationReport(steps: readonly CreationStep[], failedAt: number, failure: unknown): string {
  const lines = steps.map((step, index) => stepOutcome(step, index, failedAt, failure));
  return ['trent: stopped part way; what exists now:', ...lines].join('\n');
}

/**
 * Makes the calls in order and returns what they print, merged. A refusal of the first call made nothing and is
 * thrown as it is; any later failure (or a first call whose outcome is unknown) is a PartialCreation.
 */
export async function createAll(iam: Iam, steps: readonly CreationStep[]): Promise<Record<string, unknown>> {
  const printed: Record<string, unknown> = {};
  for (const [index, step] of steps.entries()) {
    try {
      const answer = await iam(step.action, step.params);
      Object.assign(printed, step.output?.(answer));
    } catch (failure) {
      if (index === 0 && failure instanceof IamError) throw failure;
      throw new PartialCreation(failure, creationReport(steps, index, failure));
    }
  }
  return printed;
}

/** What stderr says about a failed command: `trent: Code: Message` for IAM's refusals. */
export function failureMessage(failure: unknown): string {
  if (failure instanceof PartialCreation) return `${failureMessage(failure.failure)}\n${failure.report}`;
  if (failure instanceof IamError) return `trent: ${failure.code}: ${failure.message}`;
  return `trent: ${failure instanceof Error ? failure.message : String(failure)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Users and roles

export interface InlinePolicy {
  readonly name: string;
  readonly document: string;
}

export interface UserCreation {
  readonly userName: string;
  readonly path?: string | undefined;
  readonly policy?: InlinePolicy | undefined;
  readonly accessKey: boolean;
}

export interface RoleCreation {
  readonly roleName: string;
  readonly path?: string | undefined;
  readonly trustPolicy: string;
  readonly policy?: InlinePolicy | undefined;
  readonly maxSessionDuration?: number | undefined;
}

/** Only the parameters that were given: IAM tells an absent one from an empty one. */
function givenParams(params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** IAM returns policy documents URL-encoded; shown decoded, and as JSON when they are JSON, as the AWS CLI does. */
export function decodedPolicyDocument(encoded: string): unknown {
  try {
    const document = decodeURIComponent(encoded);
    try {
      return JSON.parse(document) as unknown;
    } catch {
      return document;
    }
  } catch {
    return encoded;
  }
}

const USER_FIELDS = ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'] as const;
const ACCESS_KEY_FIELDS = ['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate'] as const;
const ROLE_FIELDS = [
  'Path',
  'RoleName',
  'RoleId',
  'Arn',
  'CreateDate',
  'AssumeRolePolicyDocument',
  'Description',
  'MaxSessionDuration',
] as const;

function userOutput(xml: string): Record<string, unknown> {
  const user = textFields(xml, 'User', USER_FIELDS);
  if (user['Arn'] === undefined) throw new Error('the answer names no user ARN');
  return { User: user };
}

function accessKeyOutput(xml: string): Record<string, unknown> {
  const accessKey = textFields(xml, 'AccessKey', ACCESS_KEY_FIELDS);
  if (accessKey['AccessKeyId'] === undefined || accessKey['SecretAccessKey'] === undefined) {
    throw new Error('the answer has no access key id and secret');
  }
  return { AccessKey: accessKey };
}

function roleOutput(xml: string): Record<string, unknown> {
  const { AssumeRolePolicyDocument, MaxSessionDuration, ...role } = textFields(xml, 'Role', ROLE_FIELDS);
  if (role['Arn'] === undefined) throw new Error('the answer names no role ARN');
  return {
    Role: {
      ...role,
      ...(AssumeRolePolicyDocument === undefined
        ? {}
        : { AssumeRolePolicyDocument: decodedPolicyDocument(AssumeRolePolicyDocument) }),
      ...(MaxSessionDuration === undefined ? {} : { MaxSessionDuration: Number(MaxSessionDuration) }),
    },
  };
}

function inlinePolicyStep(action: string, owner: Record<string, string>, policy: InlinePolicy): CreationStep {
  return {
    action,
    params: { ...owner, PolicyName: policy.name, PolicyDocument: policy.document },
    makes: `inline policy '${policy.name}'`,
  };
}

/** CreateUser, then PutUserPolicy when a policy is given, then CreateAccessKey unless declined. */
export function userCreationSteps(request: UserCreation): CreationStep[] {
  const owner = { UserName: request.userName };
  const steps: CreationStep[] = [
    {
      action: 'CreateUser',
      params: givenParams({ ...owner, Path: request.path }),
      makes: `user ${request.userName}`,
      output: userOutput,
    },
  ];
  if (request.policy) steps.push(inlinePolicyStep('PutUserPolicy', owner, request.policy));
  if (request.accessKey) {
    steps.push({ action: 'CreateAccessKey', params: owner, makes: 'access key', output: accessKeyOutput });
  }
  return steps;
}

/** CreateRole, then PutRolePolicy when a policy is given. */
export function roleCreationSteps(request: RoleCreation): CreationStep[] {
  const owner = { RoleName: request.roleName };
  const steps: CreationStep[] = [
    {
      action: 'CreateRole',
      params: givenParams({
        ...owner,
        Path: request.path,
        AssumeRolePolicyDocument: request.trustPolicy,
        MaxSessionDuration: request.maxSessionDuration?.toString(),
      }),
      makes: `role ${request.roleName}`,
      output: roleOutput,
    },
  ];
  if (request.policy) steps.push(inlinePolicyStep('PutRolePolicy', owner, request.policy));
  return steps;
}

// ---------------------------------------------------------------------------------------------------------------
// The command line

export interface IdentityOptions {
  readonly path?: string;
  readonly policyFile?: string;
  readonly policyName: string;
  readonly endpointUrl?: string;
}

export interface UserOptions extends IdentityOptions {
  readonly accessKey: boolean;
}

export interface RoleOptions extends IdentityOptions {
  readonly trustPolicyFile: string;
  readonly maxSessionDuration?: number;
}

/** The credentials AWS tools read from the environment, or undefined when the key id or secret is missing. */
export function credentialsFromEnvironment(environment: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = environment['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = environment['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = environment['AWS_SESSION_TOKEN'];
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** `--endpoint-url`, else IAM's own endpoint variable, else the shared one, as the AWS CLI reads them. */
export function iamEndpoint(option: string | undefined, environment: NodeJS.ProcessEnv, fallback: string): string {
  return option || environment['AWS_ENDPOINT_URL_IAM'] || environment['AWS_ENDPOINT_URL'] || fallback;
}

async function readDocument(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${option} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function inlinePolicyOf(options: IdentityOptions): Promise<InlinePolicy | undefined> {
  if (options.policyFile === undefined) return undefined;
  return { name: options.policyName, document: await readDocument('--policy-file', options.policyFile) };
}

/**
 * Runs the steps (built from the files, all read before the first call) and prints what they made as JSON; on
 * failure says why on stderr and exits 1.
 */
async function runCreation(
  options: IdentityOptions,
  defaultEndpoint: string,
  stepsOf: () => Promise<CreationStep[]>,
): Promise<void> {
  try {
    const credentials = credentialsFromEnvironment(process.env);
    if (credentials === undefined) {
      throw new Error('Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to credentials allowed to use IAM.');
    }
    const steps = await stepsOf();
    const iam = iamAt(iamEndpoint(options.endpointUrl, process.env, defaultEndpoint), credentials);
    process.stdout.write(`${JSON.stringify(await createAll(iam, steps), null, 2)}\n`);
  } catch (failure) {
    console.error(failureMessage(failure));
    process.exitCode = 1;
  }
}

export function createUserCommand(userName: string, options: UserOptions, defaultEndpoint: string): Promise<void> {
  return runCreation(options, defaultEndpoint, async () =>
    userCreationSteps({
      userName,
      path: options.path,
      policy: await inlinePolicyOf(options),
      accessKey: options.accessKey,
    }),
  );
}

export function createRoleCommand(roleName: string, options: RoleOptions, defaultEndpoint: string): Promise<void> {
  return runCreation(options, defaultEndpoint, async () =>
    roleCreationSteps({
      roleName,
      path: options.path,
      trustPolicy: await readDocument('--trust-policy-file', options.trustPolicyFile),
      policy: await inlinePolicyOf(options),
      maxSessionDuration: options.maxSessionDuration,
    }),
  );
}
