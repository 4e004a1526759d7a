// Smoke tests of the RawNode API over the in-memory network: a 3-node group elects a
// leader, replicates proposals, survives a leader isolation, and compacts into snapshots.
import { describe, expect, test } from 'vitest';
import { Network } from './network.js';
import { ProposalDroppedError } from '../../../storage/raft/index.js';

describe('raft smoke', () => {
  test('elects a leader and replicates proposals', () => {
    const net = new Network({ preVote: true, checkQuorum: true });
    net.add([1, 2, 3], [1, 2, 3]);
    net.peer(1).raw.campaign();
    net.stabilize();
    expect(net.leader()).toBe(1);
    net.peer(1).raw.propose(Buffer.from('a'));
    net.peer(2).raw.propose(Buffer.from('b')); // forwarded
    net.stabilize();
    for (const id of [1, 2, 3]) expect(net.peer(id).applied.map((a) => a.data)).toEqual(['a', 'b']);
  });

  test('proposal without leader throws ProposalDroppedError', () => {
    const net = new Network();
    net.add([1, 2, 3], [1, 2, 3]);
    expect(() => net.peer(1).raw.propose(Buffer.from('x'))).toThrow(ProposalDroppedError);
  });

  test('re-elects after leader isolation and catches up via snapshot', () => {
    const net = new Network({ preVote: true, checkQuorum: true });
    net.add([1], [1, 2, 3]);
    net.add([2], [1, 2, 3], [], { randomInt: () => 3 });
    net.add([3], [1, 2, 3], [], { randomInt: (n) => n - 1 });
    net.peer(1).raw.campaign();
    net.stabilize();
    net.isolate(1);
    for (let i = 0; i < 40 && (net.leader() === 1 || net.leader() === null); i++) {
      net.tickAll();
      net.stabilize();
    }
    const lead = net.leader()!;
    expect(lead).not.toBe(1);
    for (let i = 0; i < 5; i++) net.peer(lead).raw.propose(Buffer.from(`v${i}`));
    net.stabilize();
    net.peer(lead).compact();
    net.heal();
    for (let i = 0; i < 30; i++) {
      net.tickAll();
      net.stabilize();
    }
    expect(net.peer(1).applied.map((a) => a.data)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });
});
