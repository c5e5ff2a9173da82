import { describe, expect, it } from 'vitest';
import { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import { jobIdFor } from '../../src/distributed/job-id.js';
import { validateJobPayload } from '../../src/distributed/job-payload.js';
import { parseRedisConnection, redactConnection } from '../../src/distributed/redis-connection.js';
import { ValidationError } from '../../src/errors.js';

describe('Redis connections', () => {
  it('reads user, password, database and TLS from the URL', () => {
    expect(parseRedisConnection('rediss://app:s%40cret@cache.internal:6380/2')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      db: 2,
      username: 'app',
      password: 's@cret',
      tls: { servername: 'cache.internal' },
      maxRetriesPerRequest: null,
    });
    expect(parseRedisConnection('redis://127.0.0.1')).toMatchObject({ port: 6379, db: 0 });
    expect(parseRedisConnection('redis://127.0.0.1').tls).toBeUndefined();
  });

  it('masks the password in every message, valid URL or not', () => {
    expect(redactConnection('redis://app:hunter2@host:1/0')).toBe('redis://app:***@host:1/0');
    const attempt = () => parseRedisConnection('http://:hunter2@host/x');
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/http:\/\/:\*\*\*@host\/x/);
    expect(() => parseRedisConnection('redis://:hunter2@host/zero')).not.toThrow(/hunter2/);
    expect(redactConnection('redis://:hunter2@[bad')).not.toContain('hunter2');
  });
});

describe('job ids', () => {
  it('depend on the workflow, the task and the attempt', () => {
    const key = 'a'.repeat(64);
    expect(jobIdFor(key, 'a', 1)).toBe(jobIdFor(key, 'a', 1));
    expect(jobIdFor(key, 'a', 2)).not.toBe(jobIdFor(key, 'a', 1));
    expect(jobIdFor(key, 'b', 1)).not.toBe(jobIdFor(key, 'a', 1));
    expect(jobIdFor('b'.repeat(64), 'a', 1)).not.toBe(jobIdFor(key, 'a', 1));
    expect(jobIdFor(key, 'ünï:cødé', 1)).toMatch(/^lf-[0-9a-f]{40}-1$/);
  });
});

describe('job payload validation', () => {
  const agents = new Set(['cpu']);

  it('accepts a well-formed job', () => {
    const payload = {
      version: 1,
      task: { id: 't', description: '', agentType: 'cpu', context: {}, attempt: 1 },
      timeoutMs: 50,
    };
    expect(validateJobPayload(payload, agents)).toBe(payload);
  });

  it('lists every problem of a malformed job at once', () => {
    const bad = {
      version: 7,
      task: { id: '', description: 3, agentType: 'rm-rf', context: [], attempt: 0 },
      timeoutMs: -1,
    };
    const error = (() => {
      try {
        validateJobPayload(bad, agents);
      } catch (caught) {
        return caught as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.issues.map((issue) => issue.field)).toEqual([
      'version',
      'task.id',
      'task.description',
      'task.agentType',
      'task.context',
      'task.attempt',
      'timeoutMs',
    ]);
    expect(() => validateJobPayload('not an object', agents)).toThrow(ValidationError);
    expect(() => validateJobPayload({ version: 1, task: null }, agents)).toThrow(/task: expected an object/);
  });
});

describe('coordinator options with a queue executor', () => {
  const executor = { type: 'bullmq', connection: 'redis://127.0.0.1:1' } as const;

  it("follows the workers' capacity, 1 until any is listed, unless a capacity or a limit is given", async () => {
    const following = new AgentCoordinator({ executor });
    const fixed = new AgentCoordinator({ executor: { ...executor, capacity: 6 } });
    const limited = new AgentCoordinator({ executor, maxParallelAgents: 3 });
    try {
      expect(following.getStatus()).toMatchObject({ maxParallelAgents: 1, parallelismLimit: 1 });
      expect(fixed.getStatus()).toMatchObject({ maxParallelAgents: 6, parallelismLimit: 6 });
      expect(limited.getStatus()).toMatchObject({ maxParallelAgents: 3, parallelismLimit: 3 });
    } finally {
      await Promise.all([following.close(), fixed.close(), limited.close()]);
    }
  });

  it("refuses 'auto', which follows this machine, with a capacity that follows the workers", () => {
    expect(() => new AgentCoordinator({ executor, maxParallelAgents: 'auto' })).toThrow(
      /maxParallelAgents: 'auto' follows this machine's load/,
    );
    expect(() => new AgentCoordinator({ executor, maxParallelAgents: 'auto' })).toThrow(ValidationError);
  });
});
