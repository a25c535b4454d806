import net from 'node:net';
import { type HttpResponse, ResponseParser } from './http1-parser.js';

// One raw keep-alive TCP connection with at most one request in flight: what a closed-loop worker needs, at a
// fraction of the CPU of http.Agent + http.request. A request goes out as one pre-assembled Buffer in one
// write. When the server says it will close (Connection: close, HTTP/1.0) or just closes, the next request
// opens a new connection; a request sent on a reused connection that the server closed before answering
// anything is sent once more on a fresh one, since the server closed it while idle and never saw it.

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

interface InFlight {
  readonly request: Buffer;
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  /** Sent on a connection that had already been used, which the server may have closed meanwhile. */
  readonly reused: boolean;
  answered: boolean;
  resent: boolean;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class KeepAliveConnection {
  readonly #endpoint: Endpoint;
  #socket: net.Socket | undefined;
  #parser = new ResponseParser();
  #inFlight: InFlight | undefined;
  /** A response that arrived with no request in flight: the connection was dropped; the next send reports it. */
  #unexpected: Error | undefined;

  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }

  /** Sends the complete request bytes and resolves with the response; fails after timeoutMs. */
  send(request: Buffer, timeoutMs: number, label: string): Promise<HttpResponse> {
    const unexpected = this.#unexpected;
    this.#unexpected = undefined;
    if (unexpected) return Promise.reject(unexpected);
    if (this.#inFlight) return Promise.reject(new Error('a request is already in flight on this connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error(`${label} timed out after ${timeoutMs} ms`)), timeoutMs);
      const reused = this.#socket !== undefined;
      this.#inFlight = { request, resolve, reject, timer, reused, answered: false, resent: false };
      this.#write(request);
    });
  }

  close(): void {
    this.#discardSocket();
    if (this.#inFlight) this.#fail(new Error('the connection was closed by the client'));
  }

  #write(request: Buffer): void {
    (this.#socket ?? this.#connect()).write(request);
  }

  #connect(): net.Socket {
    const socket = net.connect({ host: this.#endpoint.host, port: this.#endpoint.port });
    socket.setNoDelay(true);
    const parser = new ResponseParser();
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (socket === this.#socket) this.#onData(chunk);
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (socket === this.#socket) this.#onClose(parser, failure);
    });
    this.#socket = socket;
    this.#parser = parser;
    return socket;
  }

  #onData(chunk: Buffer): void {
    if (this.#inFlight) this.#inFlight.answered = true;
    let responses: HttpResponse[];
    try {
      responses = this.#parser.push(chunk);
    } catch (error) {
      this.#fail(asError(error));
      return;
    }
    for (const response of responses) {
      if (!response.keepAlive) this.#discardSocket();
      if (this.#inFlight) {
        this.#settle(response);
      } else {
        this.#discardSocket();
        this.#unexpected = new Error(`HTTP ${response.status} arrived with no request in flight`);
        return;
      }
    }
  }

  #onClose(parser: ResponseParser, failure: Error | undefined): void {
    this.#socket = undefined;
    const inFlight = this.#inFlight;
    if (!inFlight) return;
    let response: HttpResponse | undefined;
    try {
      response = parser.end();
    } catch (error) {
      this.#fail(asError(error));
      return;
    }
    if (response) {
      this.#settle(response);
    } else if (inFlight.reused && !inFlight.answered && !inFlight.resent) {
      inFlight.resent = true;
      this.#write(inFlight.request);
    } else {
      this.#fail(failure ?? new Error('the server closed the connection without answering'));
    }
  }

  #settle(response: HttpResponse): void {
    const inFlight = this.#inFlight;
    if (!inFlight) return;
    this.#inFlight = undefined;
    clearTimeout(inFlight.timer);
    inFlight.resolve(response);
  }

  /** Fails the request in flight and drops the connection, whose state can no longer be trusted. */
  #fail(error: Error): void {
    this.#discardSocket();
    const inFlight = this.#inFlight;
    if (!inFlight) return;
    this.#inFlight = undefined;
    clearTimeout(inFlight.timer);
    inFlight.reject(error);
  }

  #discardSocket(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
  }
}
