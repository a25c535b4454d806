import type { Endpoint } from './connection.js';
import { prepareSignedPost, sendOnce } from './signed-post.js';
import type { Credentials } from './sigv4-signer.js';

// The smallest IAM client the harness needs for its setup: awsQuery calls (a form in, XML out) to `POST /`,
// signed for `iam`, and a reader for the one element of the answer that it wants.

const IAM_VERSION = '2010-05-08';
const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** `Action`, `Version` and the parameters as an application/x-www-form-urlencoded body. */
export function iamForm(action: string, params: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(new URLSearchParams({ Action: action, Version: IAM_VERSION, ...params }).toString(), 'utf8');
}

/** One IAM call; anything but 2xx is an error. Returns the XML answer. */
export function callIam(
  endpoint: Endpoint,
  credentials: Credentials,
  action: string,
  params: Readonly<Record<string, string>>,
): Promise<string> {
  const call = prepareSignedPost(endpoint, credentials, {
    service: 'iam',
    operation: action,
    headers: { 'Content-Type': CONTENT_TYPE },
    body: iamForm(action, params),
  });
  return sendOnce(endpoint, call);
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of the first `<name>` element of an answer, its entities decoded; an answer without one is an error. */
export function xmlText(xml: string, name: string): string {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (match?.[1] === undefined) throw new Error(`the answer has no <${name}>: ${xml.slice(0, 300)}`);
  return match[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, entity: string) => ENTITIES[entity] ?? '');
}
