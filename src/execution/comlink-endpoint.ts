import type { MessagePort } from 'node:worker_threads';
import type { Endpoint } from 'comlink';

/**
 * Views a Node `MessagePort` as a comlink endpoint. Node's ports are EventTargets that deliver
 * `MessageEvent`s, which is all comlink needs; only the type declarations differ.
 */
export function toComlinkEndpoint(port: MessagePort): Endpoint {
  return port as unknown as Endpoint;
}
