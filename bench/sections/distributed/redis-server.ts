import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a server certificate, its key, and the CA that signed it. */
export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

/** How a {@link RedisServer} guards itself. */
export interface RedisServerOptions {
  /** Require `AUTH` with this password. */
  password?: string;
  /** Accept only TLS connections (`rediss://`), with these files. */
  tls?: TlsFiles;
}

/** A throwaway redis-server on a free loopback port: no persistence, its directory removed on stop. */
export class RedisServer {
  readonly port: number;
  readonly #options: RedisServerOptions;
  readonly #dir = mkdtempSync(join(tmpdir(), 'lingflow-redis-'));
  #process: ChildProcess | undefined;

  private constructor(port: number, options: RedisServerOptions) {
    this.port = port;
    this.#options = options;
  }

  /** Starts a server and waits until it accepts connections. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.restart();
    return server;
  }

  /** URL of the server (`rediss://` with TLS), with its password or the one given. */
  url(password = this.#options.password): string {
    const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
    return `${this.#options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${this.port}`;
  }

  /** Starts the server process again on the same port, empty, and waits until it accepts connections. */
  async restart(): Promise<void> {
    const { password, tls } = this.#options;
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.#dir];
    args.push(...(tls ? ['--port', '0', '--tls-port', String(this.port)] : ['--port', String(this.port)]));
    if (tls) args.push('--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca);
    if (tls) args.push('--tls-auth-clients', 'no');
    if (password !== undefined) args.push('--requirepass', password);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.#process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
      // ENOENT: not installed (.ci/run installs Debian's redis-server package).
      child.once('error', reject);
    });
    child.stdout!.resume();
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /** Kills the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
