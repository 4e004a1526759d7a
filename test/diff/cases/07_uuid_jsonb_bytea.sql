-- uuid (input forms, lowercase output, ordering), jsonb (normalized output spacing and
-- key order, -> ->> #> #>> @> <@ ? ?| ?& ||, - , functions), bytea (hex output, escape
-- input, functions), and their input errors.

SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}'::uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid;
SELECT '00000000-0000-0000-0000-000000000001'::uuid < 'ffffffff-0000-0000-0000-000000000000'::uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid;
SELECT length(gen_random_uuid()::text), pg_typeof(gen_random_uuid());
-- error: 22P02
SELECT 'not-a-uuid'::uuid;
-- error: 22P02
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid;

CREATE TABLE things (id uuid PRIMARY KEY, name text);
INSERT INTO things VALUES ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'b'), ('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a'), ('00000000-0000-0000-0000-000000000000', 'zero');
SELECT id, name FROM things ORDER BY id;
SELECT name FROM things WHERE id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
SELECT id::text, upper(id::text) FROM things WHERE name = 'b';
-- error: 23505
INSERT INTO things VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'dup');

SELECT '{"b": 1, "a": [1, 2, {"c": null}], "a": "dup"}'::jsonb, '{"x":1,"y":"two","z":true}'::jsonb, '[1,2,  3]'::jsonb;
SELECT '  {"k" : 1.50 , "e": 1e3, "n": -0.0}  '::jsonb, '"str"'::jsonb, 'null'::jsonb, '12'::jsonb, '[]'::jsonb, '{}'::jsonb;
SELECT '{"name": "bob", "tags": ["a", "b"], "addr": {"city": "Oslo"}}'::jsonb -> 'name', '{"name": "bob"}'::jsonb ->> 'name', '{"a": {"b": 2}}'::jsonb -> 'a' -> 'b';
SELECT '[10, 20, 30]'::jsonb -> 1, '[10, 20, 30]'::jsonb ->> -1, '[10, 20, 30]'::jsonb -> 5, '{"a": 1}'::jsonb -> 'zz', '{"a": null}'::jsonb ->> 'a';
SELECT '{"a": {"b": [1, {"c": "deep"}]}}'::jsonb #> '{a,b,1}', '{"a": {"b": [1, {"c": "deep"}]}}'::jsonb #>> '{a,b,1,c}';
SELECT '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}', '{"a": 1}'::jsonb @> '{"a": 1, "b": 2}', '{"a": 1}'::jsonb <@ '{"a": 1, "b": 2}', '[1, 2, 3]'::jsonb @> '[3, 1]', '{"t": [1, 2]}'::jsonb @> '{"t": [2]}';
SELECT '{"a": 1, "b": 2}'::jsonb ? 'a', '{"a": 1}'::jsonb ? 'z', '["x", "y"]'::jsonb ? 'x', '{"a": 1, "b": 2}'::jsonb ?| array['z', 'b'], '{"a": 1, "b": 2}'::jsonb ?& array['a', 'z'];
SELECT '{"a": 1}'::jsonb || '{"b": 2}'::jsonb, '[1]'::jsonb || '[2, 3]'::jsonb, '{"a": 1, "b": 2}'::jsonb - 'a', '[1, 2, 3]'::jsonb - 0;
SELECT '{"a": 1}'::jsonb = '{ "a" : 1 }'::jsonb, '{"a": 1, "b": 2}'::jsonb = '{"b": 2, "a": 1}'::jsonb, '1'::jsonb = '1.0'::jsonb;
SELECT jsonb_typeof('{}'), jsonb_typeof('[]'), jsonb_typeof('1'), jsonb_typeof('"s"'), jsonb_typeof('true'), jsonb_typeof('null');
SELECT jsonb_array_length('[1, 2, 3]'), jsonb_build_object('a', 1, 'b', 'x', 'c', NULL), jsonb_build_array(1, 'two', NULL, true), to_jsonb('text'::text), to_jsonb(1.50);
SELECT jsonb_set('{"a": 1}', '{b}', '2'), jsonb_pretty('{"a": [1, 2]}'), jsonb_strip_nulls('{"a": null, "b": 1}'), '{"a": 1}'::jsonb::text, '"x"'::jsonb::text;
-- rowsort
SELECT * FROM jsonb_each('{"a": 1, "b": "two", "c": null}');
SELECT * FROM jsonb_each_text('{"a": 1, "b": "two", "c": null}') ORDER BY key;
SELECT jsonb_object_keys('{"b": 1, "a": 2, "c": 3}') ORDER BY 1;
SELECT value FROM jsonb_array_elements('[1, "x", {"y": 2}]') WITH ORDINALITY AS t(value, n) ORDER BY n;
-- error: 22P02
SELECT '{"a": }'::jsonb;
-- error: 22P02
SELECT '{a: 1}'::jsonb;

CREATE TABLE docs (id int PRIMARY KEY, body jsonb NOT NULL);
INSERT INTO docs VALUES (1, '{"kind": "post", "score": 5, "tags": ["db", "sql"]}'), (2, '{"kind": "note", "score": 2.5}'), (3, '{"kind": "post", "tags": []}'), (4, '[1, 2]');
-- extended
SELECT id, body FROM docs ORDER BY id;
SELECT id, body ->> 'kind', body -> 'score', (body ->> 'score')::numeric * 2 FROM docs ORDER BY id;
SELECT id FROM docs WHERE body @> '{"kind": "post"}' ORDER BY id;
SELECT id FROM docs WHERE body ? 'tags' ORDER BY id;
SELECT id FROM docs WHERE body -> 'tags' @> '["sql"]' ORDER BY id;
SELECT body ->> 'kind' AS kind, count(*) FROM docs GROUP BY 1 ORDER BY 1 NULLS LAST;
UPDATE docs SET body = body || '{"score": 10}' WHERE id = 3;
SELECT body FROM docs WHERE id = 3;
SELECT jsonb_agg(id ORDER BY id), jsonb_object_agg(id, body -> 'kind') FROM docs WHERE id < 4;

SELECT '\xdeadBEEF'::bytea, 'abc'::bytea, '\x'::bytea, E'\\000\\001'::bytea, 'a\\b'::bytea, convert_to('ü', 'UTF8');
SELECT length('\xdeadbeef'::bytea), octet_length('abc'::bytea), '\x0102'::bytea || '\x03'::bytea, get_byte('\x0a0b'::bytea, 1), substring('\x0102030405'::bytea from 2 for 2);
SELECT '\x01'::bytea < '\x02'::bytea, '\x01'::bytea < '\x0100'::bytea, md5('abc'::bytea), encode('hi'::bytea, 'hex'), encode('hi'::bytea, 'base64'), decode('6869', 'hex');
-- error: 22023
SELECT '\xZZ'::bytea;
-- error: 22023
SELECT '\x123'::bytea;
CREATE TABLE blobs (id int PRIMARY KEY, data bytea);
INSERT INTO blobs VALUES (1, '\x00ff'), (2, 'text'), (3, ''), (4, NULL);
SELECT id, data, length(data) FROM blobs ORDER BY data NULLS FIRST, id;
