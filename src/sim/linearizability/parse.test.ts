import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './check.js';
import { EdnMap, Keyword, readEdnForms, Tagged } from './edn.js';
import { detectFormat, HistoryParseError, parseHistory } from './parse.js';

const testdata = (name: string) => readFileSync(join(__dirname, 'testdata', name), 'utf8');

function parseError(text: string, format: Parameters<typeof parseHistory>[1] = 'auto') {
  try {
    parseHistory(text, format);
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryParseError);
    return error as HistoryParseError;
  }
  throw new Error('expected a parse error');
}

describe('EDN reader', () => {
  it('reads the forms Jepsen histories use', () => {
    const [form] = readEdnForms(
      '#jepsen.history.Op{:type :ok, :f :cas, :value [1 2], :process 0, :time 12, ' +
        ':x nil, :s "a\\"b\\u0041", :c \\newline, :set #{1 2}, :big 123456789012345678901N, ' +
        ':r 1/2, :d 1.5M, :l (1 #_ 2 3) ; comment\n}',
    );
    expect(form!.value).toBeInstanceOf(Tagged);
    const m = (form!.value as Tagged).value as EdnMap;
    expect(m).toBeInstanceOf(EdnMap);
    expect(m.get('type')).toEqual(new Keyword('ok'));
    expect(m.get('value')).toEqual([1, 2]);
    expect(m.get('x')).toBeNull();
    expect(m.get('s')).toBe('a"bA');
    expect(m.get('c')).toBe('\n');
    expect(m.get('big')).toBe('123456789012345678901');
    expect(m.get('r')).toBe(0.5);
    expect(m.get('d')).toBe(1.5);
    expect(m.get('l')).toEqual([1, 3]);
  });

  it('rejects malformed text, naming the line', () => {
    const cases: [string, number, RegExp][] = [
      ['{:a 1\n :b 2', 1, /'\{' opened on line 1 is never closed/],
      ['{:a 1}\n{:a }}', 2, /key without a value|unexpected '\}'/],
      ['[1 2\n 3}', 2, /'\}' closes '\[' opened on line 1/],
      ['"abc', 1, /string opened on line 1 is never closed/],
      ['\n\n1x2', 3, /bad number '1x2'/],
      [':a ##Foo', 1, /unknown symbolic value/],
    ];
    for (const [text, line, message] of cases) {
      expect(() => readEdnForms(text)).toThrow(message);
      try {
        readEdnForms(text);
      } catch (error) {
        expect((error as { line: number }).line).toBe(line);
      }
    }
  });
});

describe('history parsers', () => {
  it('detects the format', () => {
    expect(detectFormat(testdata('kv.jsonl'))).toBe('jsonl');
    expect(detectFormat(testdata('register-linearizable.edn'))).toBe('edn');
    expect(detectFormat(testdata('kv-independent.edn'))).toBe('edn');
    expect(detectFormat(testdata('register-info-cas.log'))).toBe('jepsen-log');
  });

  it('reads a Knossos-style EDN vector, skipping the nemesis', () => {
    const h = parseHistory(testdata('register-linearizable.edn'));
    expect(h.format).toBe('edn');
    expect(h.events).toHaveLength(12);
    expect(h.events[0]).toEqual({ process: 0, type: 'invoke', f: 'write', value: 1, time: 100 });
    expect(h.events[6]).toMatchObject({ type: 'fail', f: 'cas', value: [5, 6] });
    expect(h.lines.slice(0, 3)).toEqual([3, 4, 5]);
    expect(h.lines.at(-1)).toBe(15);
    expect(checkLinearizability(h.events, 'register').linearizable).toBe(true);
  });

  it('reads one op map per line and explains a stale read', () => {
    const h = parseHistory(testdata('register-stale-read.edn'));
    expect(h.lines).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const r = checkLinearizability(h.events, 'register');
    expect(r.linearizable).toBe(false);
    expect(r.explanation?.reason).toMatch(/^stale read: process 2's read 1/);
  });

  it('reads tagged jepsen.history.Op maps with jepsen.independent tuples', () => {
    const h = parseHistory(testdata('kv-independent.edn'));
    expect(h.events[4]).toMatchObject({ f: 'cas', value: [':x', [1, 2]] });
    expect(checkLinearizability(h.events, 'kv')).toMatchObject({
      linearizable: true,
      partitions: 2,
    });
    const lost = checkLinearizability(parseHistory(testdata('kv-lost-write.edn')).events, 'kv');
    expect(lost).toMatchObject({ linearizable: false, explanation: { key: '0' } });
  });

  it('reads jepsen.util log lines in both layouts, skipping other lines', () => {
    const h = parseHistory(testdata('register-info-cas.log'));
    expect(h.format).toBe('jepsen-log');
    expect(h.events).toHaveLength(10);
    expect(h.lines[0]).toBe(2);
    expect(h.events[4]).toMatchObject({ process: 2, type: 'invoke', f: 'cas', value: [4, 1] });
    // The info completion carries the error, not the value; the invoke's value counts.
    expect(h.events[7]).toMatchObject({ process: 2, type: 'info', value: ':timed-out' });
    expect(checkLinearizability(h.events, 'register').linearizable).toBe(true);
    const late = parseHistory(testdata('register-info-cas-too-late.log'));
    expect(checkLinearizability(late.events, 'register').linearizable).toBe(false);
  });

  it('accepts jepsen.util op lines whose fields are separated by spaces', () => {
    const log =
      'INFO  jepsen.util - 4    :invoke :cas    [1 2]\n' +
      'INFO  jepsen.util - 4    :fail   :cas    [1 2]\n' +
      'INFO  jepsen.util - 3    :invoke :read   nil\n' +
      'INFO  jepsen.util - 3    :fail   :read   :timed-out\n';
    const h = parseHistory(log);
    expect(h.format).toBe('jepsen-log');
    expect(h.events.map((e) => [e.process, e.type, e.f, e.value])).toEqual([
      [4, 'invoke', 'cas', [1, 2]],
      [4, 'fail', 'cas', [1, 2]],
      [3, 'invoke', 'read', null],
      [3, 'fail', 'read', ':timed-out'],
    ]);
  });

  it('reads Cohort JSON lines', () => {
    const h = parseHistory(testdata('kv.jsonl'));
    expect(h.events[4]).toEqual({
      process: 2,
      type: 'invoke',
      f: 'cas',
      key: 'b',
      value: [null, 9],
      time: 7,
    });
    expect(checkLinearizability(h.events, 'kv').linearizable).toBe(true);
  });

  it('names the line of a malformed event', () => {
    const log =
      'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nnoise\nINFO  jepsen.util - 0\t:okay\t:read\t3\n';
    expect(parseError(log)).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/type must be/),
    });
    expect(parseError('INFO  jepsen.util - 0\t:ok\t:read\t[1\n')).toMatchObject({ line: 1 });
    expect(parseError('INFO  jepsen.util - x1\t:ok\t:read\t1\n')).toMatchObject({ line: 1 });
    expect(parseError('INFO  jepsen.util - 1\t:ok\n', 'jepsen-log')).toMatchObject({ line: 1 });
    const jsonl = '{"process":0,"type":"invoke","f":"read","value":null,"time":0}\n\n{"process":0,';
    expect(parseError(jsonl)).toMatchObject({ line: 3, reason: expect.stringMatching(/not JSON/) });
    const noF = '{"process":0,"type":"invoke","f":"incr","value":1,"time":0}\n';
    expect(parseError(noF)).toMatchObject({ line: 1, reason: expect.stringMatching(/f must be/) });
    const edn = '{:process 0, :type :invoke, :f :read, :value nil}\n[1 2]\n';
    expect(parseError(edn)).toMatchObject({ line: 2, reason: 'expected an op map {:type …}' });
    const open = '[{:process 0 :type :invoke :f :read}\n {:process 0 :type :ok';
    expect(parseError(open)).toMatchObject({ line: 2 });
  });
});
