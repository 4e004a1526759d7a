-- text, varchar(n) (22001 on overflow, silent truncation of trailing spaces and on
-- explicit cast), char(n) blank padding and its comparison semantics, concatenation,
-- LIKE / ILIKE with escapes, and string functions.

SELECT 'hello' || ' ' || 'world', 'a' || 1, 1 || 'b', 'x' || NULL;
SELECT 'it''s', E'tab\there', E'nl\\n', 'ünïcödé', length('ünïcödé'), octet_length('ünïcödé');
SELECT 'abc' < 'abd', 'abc' < 'ab', 'B' < 'a', 'abc' = 'abc ', '' IS NULL;
SELECT 'abc'::varchar(2), 'abc'::char(5), 'abc'::char(2), 'ab  '::varchar(2);
SELECT 'a'::char(3) = 'a  '::char(3), 'a'::char(3) = 'a'::char(5), length('ab '::char(5)), octet_length('ab'::char(4));
SELECT 'a'::char(3) || 'b', ('a'::char(3))::text || '|', 'x'::char(3)::varchar || '|';
SELECT pg_typeof('a'::char(3) || 'b'), pg_typeof('a'::varchar || 'b'), pg_typeof(upper('a'::varchar));

CREATE TABLE names (id int PRIMARY KEY, v varchar(5), c char(4), t text);
INSERT INTO names VALUES (1, 'abc', 'ab', 'Alpha'), (2, 'abcde', 'abcd', 'beta'), (3, '', '', ''), (4, NULL, NULL, NULL);
INSERT INTO names VALUES (5, 'xy   ', 'z   ', 'Gamma  ');
-- error: 22001
INSERT INTO names VALUES (6, 'abcdef', 'a', 'x');
-- error: 22001
INSERT INTO names VALUES (6, 'a', 'abcde', 'x');
-- error: 22001
UPDATE names SET v = v || 'xyz' WHERE id = 1;
SELECT id, v, c, t, length(v), length(c), octet_length(c), c || '|' FROM names ORDER BY id;
SELECT id FROM names WHERE c = 'ab' ORDER BY id;
SELECT id FROM names WHERE c = 'ab  ' ORDER BY id;
SELECT id, v FROM names WHERE v = 'xy' ORDER BY id;
SELECT id, t FROM names ORDER BY t NULLS FIRST, id;
SELECT id, upper(t), lower(t), initcap('hello wORLD'), reverse(t) FROM names WHERE id <= 2 ORDER BY id;

SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'abc' LIKE 'A%', 'abc' ILIKE 'A%', 'abc' NOT LIKE '%d';
SELECT 'a%c' LIKE 'a\%c', 'abc' LIKE 'a\%c', 'a_c' LIKE 'a#_c' ESCAPE '#', 'abc' LIKE 'abc%', '' LIKE '%';
SELECT 'STRASSE' ILIKE 'strasse', 'ABC' ILIKE '%b%', 'x' LIKE NULL, NULL ILIKE 'x';
-- rowsort
SELECT id, t FROM names WHERE t LIKE '%a%';
-- rowsort
SELECT id, t FROM names WHERE t ILIKE 'a%' OR t ILIKE 'g%';
SELECT 'abc' ~ 'b', 'abc' ~* 'B', 'abc' !~ 'z', 'foo123' ~ '^[a-z]+[0-9]+$';

SELECT substring('hello world' from 7), substring('hello world' from 1 for 5), substr('hello', 2, 3), substr('hello', -1, 3);
SELECT position('lo' in 'hello'), strpos('hello', 'l'), left('hello', 2), right('hello', 2), left('hello', -2);
SELECT trim('  x  ') || '|', ltrim('  x  ') || '|', rtrim('  x  ') || '|', trim(both 'x' from 'xxaxx'), btrim('xyxay', 'xy');
SELECT lpad('7', 3, '0'), rpad('ab', 5, '-'), lpad('hello', 3), repeat('ab', 3), repeat('x', 0) = '';
SELECT replace('banana', 'an', 'AN'), translate('hello', 'el', 'ip'), split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5) = '';
SELECT concat('a', NULL, 'b', 1), concat_ws('-', 'a', NULL, 'b'), format('%s is %s', 'x', 42), format('%I %L', 'Col', 'it''s');
SELECT ascii('A'), chr(66), md5('abc'), to_hex(255), starts_with('hello', 'he');
SELECT char_length('abc'), character_length('ab '), bit_length('abc'), quote_ident('a b'), quote_literal('x''y'), quote_nullable(NULL);
SELECT regexp_replace('a1b22c', '[0-9]+', '#', 'g'), regexp_replace('aaa', 'a', 'b'), 'ab' || repeat('-', 2) || 'cd';
SELECT string_to_array('a,b,,c', ','), array_to_string(ARRAY['x', NULL, 'z'], '/', '*');
