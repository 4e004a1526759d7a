// Transcendental numeric functions (numeric-fn.ts): results and scales as PostgreSQL 15
// prints them (expected values from a local PostgreSQL 15), the range errors, and a bound on
// the work: arguments that would need huge precision return or fail at once.

import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { show } from './harness.js';

const VALUES: [string, string][] = [
  ["ln(2::numeric)", "0.6931471805599453"],
  ["ln(10::numeric)", "2.3025850929940457"],
  ["ln(1.5)", "0.4054651081081644"],
  ["ln(0.5)", "-0.6931471805599453"],
  ["ln(1e-20::numeric)", "-46.05170185988091368036"],
  ["ln(1.000000000000000000001)", "0.0000000000000000000010000000000000000"],
  ["ln(123456789.123)", "18.631401767164318"],
  ["ln(0.9)", "-0.10536051565782630"],
  ["ln(1.1)", "0.09531017980432486"],
  ["ln(1.0000)", "0.0000000000000000"],
  ["ln(0.001)", "-6.9077552789821371"],
  ["ln(1e100::numeric)", "230.25850929940457"],
  ["exp(1::numeric)", "2.7182818284590452"],
  ["exp(0.5)", "1.6487212707001281"],
  ["exp(-1::numeric)", "0.3678794411714423"],
  ["exp(100::numeric)", "26881171418161354484126255515800135873611119"],
  ["exp(0::numeric)", "1.0000000000000000"],
  ["exp(1.00000000000000000000)", "2.71828182845904523536"],
  ["exp(-100::numeric)", "0.00000000000000000000000000000000000000000003720075976020836"],
  ["exp(0.000001)", "1.0000010000005000"],
  ["log(100::numeric)", "2.0000000000000000"],
  ["log(2::numeric)", "0.3010299956639812"],
  ["log(0.001)", "-3.0000000000000000"],
  ["log(2::numeric, 8::numeric)", "3.0000000000000000"],
  ["log(2.0, 1024.00)", "10.0000000000000000"],
  ["log(10::numeric, 1000::numeric)", "3.0000000000000000"],
  ["log(3::numeric, 2::numeric)", "0.6309297535714574"],
  ["log(1.5, 1.5)", "1.0000000000000000"],
  ["sqrt(2::numeric)", "1.414213562373095"],
  ["sqrt(1e-20::numeric)", "0.0000000001000000000000000"],
  ["sqrt(100::numeric)", "10.000000000000000"],
  ["sqrt(0.0001)", "0.01000000000000000"],
  ["sqrt(12345678901234567890::numeric)", "3513641828.8201443"],
  ["power(2::numeric, 0.5)", "1.4142135623730950"],
  ["power(2.5, 2.5)", "9.8821176880261854"],
  ["power(10::numeric, -2.5)", "0.003162277660168379"],
  ["power(0::numeric, 0::numeric)", "1.0000000000000000"],
  ["power(0::numeric, 0.5)", "0.0000000000000000"],
  ["power(-2::numeric, 3::numeric)", "-8.0000000000000000"],
  ["power(1.0000001, 10000000000::numeric)", "196997261293046056630924999484614927184032168951484663674361339103026886404725989011905769666789793986487401121678364073035117405218238588080019721909058741662725485776742432823228952466764740693811437816271714715187521511786955899851561265564494339832493926309054887299222318993319846272528645736039823327743336553307931873472343949612768248635499694473223952818696784772295627511342918673097576056966225412741554496036691537886405938.8804115"],
  ["power(2::numeric, -1000000::numeric)", "0.0000000000000000"],
  ["power(10::numeric, -1000::numeric)", "0.0000000000000000"],
  ["power(2::numeric, 100::numeric)", "1267650600228229401496703205376.0000000000000000"],
  ["power(1.5, -3::numeric)", "0.2962962962962963"],
  ["power(0.5, 2000.5)", "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006158765583892351"],
  ["power(7::numeric, 1::numeric)", "7.0000000000000000"],
  ["power(7.25, 2::numeric)", "52.5625000000000000"],
  ["power(3::numeric, -1::numeric)", "0.3333333333333333"],
  ["power(-3::numeric, -3::numeric)", "-0.0370370370370370"],
  ["power(2::numeric, 0.333)", "1.2596299799473994"],
  ["power(1.01, 1000.5)", "21063.690728374197"],
  ["power(100::numeric, 0.5)", "10.000000000000000"],
];

describe('numeric exp/ln/log/sqrt/power', () => {
  it.each(VALUES)('%s = %s', (expr, expected) => {
    expect(show(expr)).toBe(expected);
  });
});

describe('numeric transcendental limits', () => {
  it.each([
    ['exp(6000::numeric)', '22003', 'value overflows numeric format'],
    ['power(10::numeric, 131072::numeric)', '22003', 'value overflows numeric format'],
    ['power(10::numeric, 131071.5)', '22003', 'value overflows numeric format'],
    ['power(2.5, 10000000000::numeric)', '22003', 'value overflows numeric format'],
    ['power(0::numeric, -1::numeric)', '2201F', 'zero raised to a negative power is undefined'],
    ['power(-8::numeric, 0.5)', '2201F', 'a negative number raised to a non-integer power yields a complex result'],
    ['ln(0::numeric)', '2201E', 'cannot take logarithm of zero'],
    ['ln(-1::numeric)', '2201E', 'cannot take logarithm of a negative number'],
    ['sqrt(-1::numeric)', '2201F', 'cannot take square root of a negative number'],
  ])('%s fails with %s', (expr, code, message) => {
    expect(() => show(expr)).toThrow(expect.objectContaining({ code, message }));
  });

  it('answers huge underflows and overflows without computing them', () => {
    const start = performance.now();
    expect(show('exp(-6000::numeric)')).toBe('0.' + '0'.repeat(1000)); // PostgreSQL: 1000 zeros
    expect(show('exp(-2400::numeric)')).toBe('0.' + '0'.repeat(1000));
    expect(show('power(0.5, 10000000000.5)')).toBe('0.' + '0'.repeat(1000));
    expect(() => show('exp(1000000000::numeric)')).toThrow(expect.objectContaining({ code: '22003' }));
    expect(() => show('power(2.5, 4000000000.5)')).toThrow(expect.objectContaining({ code: '22003' }));
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('computes at the result precision, not the process-wide 1000 digits', () => {
    const start = performance.now();
    const arg = '1.' + '0'.repeat(998) + '1'; // ln ≈ 1e-999: rscale 16 + 999, capped at 1000
    expect(show(`ln(${arg})`)).toBe('0.' + '0'.repeat(998) + '10');
    expect(show('exp(5999::numeric)').length).toBe(2606); // PostgreSQL prints 2606 digits
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('matches PostgreSQL on long arguments (md5 of PostgreSQL 15 output)', () => {
    const md5 = (expr: string) => createHash('md5').update(show(expr)).digest('hex');
    // needs ln 10 beyond decimal.js's built-in 1025 digits
    expect(md5(`ln(0.${'0'.repeat(500)}${'7'.repeat(500)})`)).toBe('5eca52d4594f59c8e7f6627d2f85c04e');
    expect(md5(`power(2.${'0'.repeat(999)}1, 0.5)`)).toBe('38db443347cfe007f366606742fca719');
    expect(md5(`sqrt(1.${'7'.repeat(16000)})`)).toBe('39137518ad5205069f7cb4e6be0265da');
    expect(md5(`power(1.${'7'.repeat(1000)}, 2000::numeric)`)).toBe('c83729f3a805d93db2ce2a6a0b530704');
  });

  it('refuses logarithms that would need more than lnDigitsMax digits (54000) at once', () => {
    const start = performance.now();
    expect(() => show(`power(1.5, 12345.${'1'.repeat(1000)})`)).toThrow(expect.objectContaining({ code: '54000' }));
    expect(performance.now() - start).toBeLessThan(500);
  });
});
