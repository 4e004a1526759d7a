// The store ident (storage/store/ident.ts through storage/index.ts): encoding round-trips,
// an empty engine has none, a written ident survives reopening the store's engine view, the
// same ident may be written twice but never a different one, and damaged bytes are a typed
// error rather than a wrong identity.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AssertionError, openEngine, readStoreIdent, StoreIdentError, STORE_IDENT_KEY, writeStoreIdent, isClusterId } from '../../../storage/index.js';
import { decodeStoreIdent, encodeStoreIdent } from '../../../storage/store/ident.js';

const ident = { clusterId: '0f8e6a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b', nodeId: 3, storeId: 3 };

const arbIdent = fc.record({
  clusterId: fc.uuid().map((u) => u.toLowerCase()),
  nodeId: fc.integer({ min: 1, max: 0xffff_ffff }),
  storeId: fc.integer({ min: 1, max: 0xffff_ffff }),
});

describe('store ident', () => {
  test('encoding round-trips every valid ident', () => {
    fc.assert(
      fc.property(arbIdent, (i) => {
        expect(decodeStoreIdent(encodeStoreIdent(i))).toEqual(i);
      }),
    );
  });

  test('an empty engine has no ident; a written one is read back', async () => {
    const engine = await openEngine({ engine: 'memory' });
    expect(readStoreIdent(engine)).toBeNull();
    writeStoreIdent(engine, ident);
    expect(readStoreIdent(engine)).toEqual(ident);
    // Idempotent for the same ident (a restart that writes it again).
    writeStoreIdent(engine, ident);
    expect(readStoreIdent(engine)).toEqual(ident);
  });

  test('a store never changes cluster or node id', async () => {
    const engine = await openEngine({ engine: 'memory' });
    writeStoreIdent(engine, ident);
    expect(() => writeStoreIdent(engine, { ...ident, nodeId: 4, storeId: 4 })).toThrow(AssertionError);
    expect(() => writeStoreIdent(engine, { ...ident, clusterId: '11111111-2222-4333-8444-555555555555' })).toThrow(AssertionError);
    expect(readStoreIdent(engine)).toEqual(ident);
  });

  test('damaged or foreign bytes are a StoreIdentError', async () => {
    const engine = await openEngine({ engine: 'memory' });
    const b = engine.newBatch();
    b.put(STORE_IDENT_KEY, Buffer.from('not an ident'));
    engine.write(b, { sync: false });
    expect(() => readStoreIdent(engine)).toThrow(StoreIdentError);
    const zeroIds = encodeStoreIdent(ident);
    zeroIds.writeUInt32BE(0, 17);
    expect(() => decodeStoreIdent(zeroIds)).toThrow(StoreIdentError);
  });

  test('bad idents are programmer errors', () => {
    expect(() => encodeStoreIdent({ ...ident, clusterId: 'nope' })).toThrow(AssertionError);
    expect(() => encodeStoreIdent({ ...ident, nodeId: 0 })).toThrow(AssertionError);
    expect(isClusterId(ident.clusterId)).toBe(true);
    expect(isClusterId(ident.clusterId.toUpperCase())).toBe(false);
  });
});
