-- INSERT (multi-row, column lists, INSERT ... SELECT, ON CONFLICT DO NOTHING / DO UPDATE
-- with EXCLUDED and WHERE, RETURNING), UPDATE (expressions, FROM, RETURNING, no-op),
-- DELETE (WHERE, USING, RETURNING), and their command tags and row counts.

CREATE TABLE stock (sku text PRIMARY KEY, qty int NOT NULL DEFAULT 0, price numeric(8,2), note text);
INSERT INTO stock VALUES ('a', 10, 1.50, NULL), ('b', 0, 2.00, 'none left'), ('c', 5, NULL, NULL);
INSERT INTO stock (sku, price) VALUES ('d', 9.99);
-- fewer values than columns: the rest get their defaults
INSERT INTO stock VALUES ('j', 7);
SELECT * FROM stock WHERE sku = 'j';
DELETE FROM stock WHERE sku = 'j';
INSERT INTO stock (price, sku) VALUES (3, 'e') RETURNING *;
INSERT INTO stock (sku, qty) VALUES ('f', 1), ('g', 2) RETURNING sku, qty * 10 AS tenfold;
SELECT * FROM stock ORDER BY sku;

INSERT INTO stock (sku, qty) VALUES ('a', 99) ON CONFLICT DO NOTHING;
INSERT INTO stock (sku, qty) VALUES ('a', 99), ('h', 8) ON CONFLICT (sku) DO NOTHING RETURNING sku;
INSERT INTO stock AS s (sku, qty, price) VALUES ('a', 5, 1.75) ON CONFLICT (sku) DO UPDATE SET qty = s.qty + EXCLUDED.qty, price = EXCLUDED.price RETURNING sku, qty, price;
INSERT INTO stock (sku, qty) VALUES ('b', 3), ('i', 4) ON CONFLICT (sku) DO UPDATE SET qty = stock.qty + excluded.qty, note = 'restocked' RETURNING *;
INSERT INTO stock (sku, qty) VALUES ('c', 100) ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty WHERE stock.qty > 50;
INSERT INTO stock (sku, qty) VALUES ('c', 100) ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty WHERE stock.qty < 50 RETURNING qty;
-- error: 21000
INSERT INTO stock (sku, qty) VALUES ('z', 1), ('z', 2) ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty;
-- error: 42P10
INSERT INTO stock (sku, qty) VALUES ('a', 1) ON CONFLICT (qty) DO NOTHING;
SELECT * FROM stock ORDER BY sku;

CREATE TABLE archive (sku text PRIMARY KEY, qty int);
INSERT INTO archive SELECT sku, qty FROM stock WHERE qty >= 5;
-- rowsort
INSERT INTO archive (sku, qty) SELECT sku || '-old', -qty FROM stock WHERE sku IN ('a', 'b') RETURNING *;
INSERT INTO archive SELECT 'gen-' || g, g FROM generate_series(1, 3) AS g;
SELECT * FROM archive ORDER BY sku;
-- error: 23505
INSERT INTO archive SELECT sku, qty FROM stock;
INSERT INTO archive SELECT sku, qty FROM stock ON CONFLICT DO NOTHING;
SELECT count(*) FROM archive;

UPDATE stock SET qty = qty - 1 WHERE qty > 0;
-- rowsort
UPDATE stock SET note = 'cheap' WHERE price < 2 RETURNING sku, note;
UPDATE stock SET qty = 0 WHERE sku = 'nope';
UPDATE stock SET price = price * 2, qty = qty + 1 WHERE sku = 'd' RETURNING price, qty;
UPDATE stock SET (qty, note) = (42, 'tuple') WHERE sku = 'e';
UPDATE stock s SET note = 'swap', qty = s.qty WHERE s.sku = 'f';
SELECT * FROM stock ORDER BY sku;

CREATE TABLE deltas (sku text, delta int);
INSERT INTO deltas VALUES ('a', 100), ('b', 200), ('zz', 300);
UPDATE stock SET qty = stock.qty + d.delta FROM deltas d WHERE d.sku = stock.sku;
-- rowsort
UPDATE stock AS s SET note = 'delta ' || d.delta FROM deltas AS d WHERE s.sku = d.sku RETURNING s.sku, s.note, d.delta;
SELECT sku, qty, note FROM stock WHERE sku IN ('a', 'b') ORDER BY sku;

-- rowsort
DELETE FROM stock WHERE qty = 0 RETURNING sku;
DELETE FROM stock WHERE sku = 'nope';
DELETE FROM stock USING deltas WHERE stock.sku = deltas.sku AND deltas.delta > 150;
-- rowsort
DELETE FROM stock s USING deltas d WHERE s.sku = d.sku RETURNING s.sku, d.delta;
SELECT sku FROM stock ORDER BY sku;
DELETE FROM archive WHERE qty < 0;
DELETE FROM archive;
SELECT count(*) FROM archive;
WITH moved AS (DELETE FROM stock WHERE sku > 'g' RETURNING sku, qty) INSERT INTO archive SELECT * FROM moved;
SELECT * FROM archive ORDER BY sku;
SELECT sku FROM stock ORDER BY sku;
INSERT INTO stock (sku) VALUES ('q') RETURNING qty, price IS NULL AS no_price, note;
-- error: 42601
INSERT INTO stock (sku, qty) VALUES ('r');
-- error: 42601
INSERT INTO stock (sku) VALUES ('r', 1);
