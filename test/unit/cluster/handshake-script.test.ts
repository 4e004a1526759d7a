// Data-driven scripts of how nodes get their identity (testdata/*.txt, the raft scripts'
// format: `command args` / `----` / output; REWRITE=1 regenerates, review the diff). The
// environment holds named nodes, each an IdentGate (init.ts) and, once its KV is up, a join
// server (join.ts) over one shared in-memory KvDb standing for the cluster's KV; joins run
// the real client loop with calls routed in memory and a sleep that only records delays.
//
// Commands:
//   start NAME [stored=CLUSTER/NODE]    a node process (with an ident in its store, or none)
//   init NAME                           the init RPC on NAME
//   kv-up NAME                          NAME's KvDb is connected: it admits joiners now
//   join NAME via=A,B[,..] [rounds=N]   NAME runs the join loop over those addresses (N rounds at most)
//   join-request NAME [version=V] [cluster=C]   one raw join RPC to NAME
//   state NAME                          NAME's identity

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { openKvDb, type KvDb, type LocalKvDb } from '../../../storage/index.js';
import { AbortedError, CLUSTER_METHOD, CLUSTER_PROTOCOL_VERSION, IdentGate, joinCluster, serveJoin } from '../../../src/cluster/index.js';
import { parseScript, renderScript } from '../raft/script.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

/** Cluster ids are printed as c1, c2, … in order of creation. */
function clusterUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function clusterName(uuid: string | null): string {
  if (uuid === null) return 'none';
  const m = /^00000000-0000-4000-8000-([0-9a-f]{12})$/.exec(uuid);
  return m ? `c${parseInt(m[1]!, 16)}` : uuid;
}

interface ScriptNode {
  readonly gate: IdentGate;
  kvUp: boolean;
}

class HandshakeEnv {
  private readonly nodes = new Map<string, ScriptNode>();
  private clusters = 0;

  constructor(private readonly kv: KvDb) {}

  async run(line: string): Promise<string> {
    const [cmd, name, ...rest] = line.split(/\s+/);
    const args = new Map(rest.map((t) => t.split('=') as [string, string]));
    switch (cmd) {
      case 'start': {
        const stored = args.get('stored');
        const ident = stored === undefined ? null : this.parseIdent(stored);
        this.nodes.set(name!, { gate: new IdentGate(ident, () => clusterUuid(++this.clusters)), kvUp: false });
        return this.state(name!);
      }
      case 'init': {
        const r = this.node(name!).gate.handleInit();
        return r.status === 'ok' ? `ok cluster=${clusterName(r.clusterId)} node=${r.nodeId}` : `${r.status} cluster=${clusterName(r.clusterId)}`;
      }
      case 'kv-up':
        this.node(name!).kvUp = true;
        return 'ok';
      case 'join':
        return this.join(name!, args.get('via')!.split(','), Number(args.get('rounds') ?? '3'));
      case 'join-request': {
        const version = Number(args.get('version') ?? CLUSTER_PROTOCOL_VERSION);
        const c = args.get('cluster');
        const r = await this.serve(name!, { version, rpcAddr: 'test', clusterId: c === undefined ? null : clusterUuid(Number(c.slice(1))) });
        return describeJoin(r);
      }
      case 'state':
        return this.state(name!);
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  private parseIdent(text: string) {
    const [c, n] = text.split('/');
    const num = Number(c!.slice(1));
    this.clusters = Math.max(this.clusters, num);
    return { clusterId: clusterUuid(num), nodeId: Number(n), storeId: Number(n) };
  }

  private node(name: string): ScriptNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  private state(name: string): string {
    const ident = this.node(name).gate.ident;
    return ident === null ? 'waiting' : `cluster=${clusterName(ident.clusterId)} node=${ident.nodeId} store=${ident.storeId}`;
  }

  private serve(name: string, req: unknown) {
    const n = this.node(name);
    return serveJoin(req, { ident: () => (n.kvUp ? n.gate.ident : null), kv: () => (n.kvUp ? this.kv : null), peers: () => [] });
  }

  private async join(name: string, via: string[], rounds: number): Promise<string> {
    const out: string[] = [];
    const abort = new AbortController();
    let slept = 0;
    try {
      const admission = await joinCluster({
        addrs: via,
        selfAddr: name,
        call: async (addr, method, req) => {
          if (method !== CLUSTER_METHOD.join) throw new Error(`unexpected ${method}`);
          if (!this.nodes.has(addr)) throw new Error('unreachable');
          return this.serve(addr, req);
        },
        backoff: { minMs: 100, maxMs: 400, multiplier: 2, jitter: 0 },
        sleep: async (ms) => {
          out.push(`round ${slept + 1}: nobody admitted; sleep ${ms}ms`);
          if (++slept >= rounds) abort.abort();
        },
        signal: abort.signal,
      });
      const taken = this.node(name).gate.offerJoin(admission.ident);
      out.push(`admitted by ${admission.addr}: cluster=${clusterName(admission.ident.clusterId)} node=${admission.ident.nodeId} (${taken ? 'taken' : 'not taken: already decided'})`);
    } catch (e) {
      out.push(e instanceof AbortedError ? `gave up after ${slept} rounds` : `error: ${(e as Error).name}: ${(e as Error).message.replace(/[0-9a-f-]{36}/g, (u) => clusterName(u))}`);
    }
    return out.join('\n');
  }
}

function describeJoin(r: Awaited<ReturnType<typeof serveJoin>>): string {
  switch (r.status) {
    case 'ok':
      return `ok cluster=${clusterName(r.clusterId)} node=${r.nodeId} store=${r.storeId}`;
    case 'wrongCluster':
      return `wrongCluster theirs=${clusterName(r.clusterId)}`;
    case 'badVersion':
      return `badVersion theirs=${r.version}`;
    default:
      return r.status;
  }
}

const dbs: LocalKvDb[] = [];
afterAll(async () => {
  for (const db of dbs) await db.close();
});

describe.each(files)('handshake script %s', (f) => {
  test('matches', async () => {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const db = await openKvDb({ engine: 'memory' });
    dbs.push(db);
    const env = new HandshakeEnv(db);
    const blocks = parseScript(text);
    const results: Array<{ command: string; output: string; expected: string; line: number }> = [];
    for (const b of blocks) results.push({ command: b.command, output: (await env.run(b.command)) || 'ok', expected: b.expected, line: b.line });
    if (process.env['REWRITE'] === '1') {
      writeFileSync(path, renderScript(text, results));
      return;
    }
    for (const r of results) expect(r.output, `${f}:${r.line}: ${r.command}`).toBe(r.expected);
  });
});
