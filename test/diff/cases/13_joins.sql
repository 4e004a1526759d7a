-- Joins: inner (ON, USING, NATURAL, comma + WHERE), left/right/full outer (with NULL
-- extension and ON vs WHERE filtering), cross joins, self joins, joins of three tables,
-- joins against subqueries and VALUES, and USING column merging in SELECT *.

CREATE TABLE authors (id int PRIMARY KEY, name text, country text);
CREATE TABLE books (id int PRIMARY KEY, author_id int, title text, year int);
CREATE TABLE reviews (book_id int, stars int, reviewer text);
INSERT INTO authors VALUES (1, 'Austen', 'UK'), (2, 'Borges', 'AR'), (3, 'Calvino', 'IT'), (4, 'Dickens', 'UK');
INSERT INTO books VALUES (10, 1, 'Emma', 1815), (11, 1, 'Persuasion', 1817), (12, 2, 'Ficciones', 1944), (13, 3, 'Invisible Cities', 1972), (14, NULL, 'Anonymous', 1900), (15, 9, 'Orphan', 2000);
INSERT INTO reviews VALUES (10, 5, 'r1'), (10, 4, 'r2'), (12, 5, 'r1'), (13, 3, 'r3'), (99, 1, 'r4');

SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id ORDER BY a.name, b.title;
SELECT a.name, b.title FROM authors a INNER JOIN books b ON b.author_id = a.id AND b.year > 1816 ORDER BY b.title;
SELECT a.name, b.title FROM authors a, books b WHERE a.id = b.author_id AND a.country = 'UK' ORDER BY b.year;
SELECT a.name, b.title FROM authors a LEFT JOIN books b ON b.author_id = a.id ORDER BY a.id, b.id;
SELECT a.name, b.title FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE b.id IS NULL ORDER BY a.name;
SELECT a.name, b.title FROM authors a LEFT JOIN books b ON b.author_id = a.id AND b.year < 1900 ORDER BY a.id, b.id;
SELECT a.name, b.title FROM authors a RIGHT JOIN books b ON b.author_id = a.id ORDER BY b.id;
-- extended
SELECT a.name, b.title FROM authors a FULL JOIN books b ON b.author_id = a.id ORDER BY a.id NULLS LAST, b.id NULLS LAST;
SELECT a.name, b.title FROM authors a FULL OUTER JOIN books b ON b.author_id = a.id WHERE a.id IS NULL OR b.id IS NULL ORDER BY 1 NULLS FIRST, 2;
SELECT a.name, r.stars FROM authors a CROSS JOIN (VALUES (1), (2)) AS r(stars) WHERE a.id <= 2 ORDER BY 1, 2;
SELECT count(*) FROM authors, books;
SELECT count(*) FROM authors CROSS JOIN books CROSS JOIN reviews;

SELECT a.name, b.title, r.stars FROM authors a JOIN books b ON b.author_id = a.id JOIN reviews r ON r.book_id = b.id ORDER BY a.name, b.title, r.stars;
SELECT b.title, r.stars, r.reviewer FROM books b LEFT JOIN reviews r ON r.book_id = b.id ORDER BY b.id, r.stars DESC NULLS LAST;
SELECT a.name, count(r.stars) AS n, avg(r.stars) AS mean FROM authors a LEFT JOIN books b ON b.author_id = a.id LEFT JOIN reviews r ON r.book_id = b.id GROUP BY a.name ORDER BY a.name;
SELECT b.title, r.reviewer FROM reviews r RIGHT JOIN books b ON r.book_id = b.id WHERE b.year < 1950 ORDER BY b.title, r.reviewer NULLS FIRST;
SELECT b.title, r.reviewer FROM books b FULL JOIN reviews r ON r.book_id = b.id ORDER BY b.id NULLS FIRST, r.reviewer;

CREATE TABLE l (k int, lv text);
CREATE TABLE r (k int, rv text);
INSERT INTO l VALUES (1, 'l1'), (2, 'l2'), (2, 'l2b'), (NULL, 'lnull');
INSERT INTO r VALUES (2, 'r2'), (3, 'r3'), (NULL, 'rnull');
SELECT * FROM l JOIN r USING (k) ORDER BY lv;
SELECT * FROM l LEFT JOIN r USING (k) ORDER BY lv;
SELECT * FROM l FULL JOIN r USING (k) ORDER BY k NULLS LAST, lv NULLS LAST, rv NULLS LAST;
SELECT k, lv, rv FROM l NATURAL JOIN r ORDER BY lv;
SELECT l.k, r.k FROM l JOIN r ON l.k = r.k OR (l.k IS NULL AND r.k IS NULL) ORDER BY 1 NULLS FIRST;
SELECT l.lv, r.rv FROM l JOIN r ON l.k < r.k ORDER BY 1, 2;
SELECT l.lv, r.rv FROM l JOIN r ON true ORDER BY 1, 2 LIMIT 4;
SELECT l.lv FROM l LEFT JOIN r ON l.k = r.k WHERE r.rv IS NULL ORDER BY 1;

SELECT e.name AS author, o.name AS compatriot FROM authors e JOIN authors o ON o.country = e.country AND o.id <> e.id ORDER BY 1;
SELECT a.name, t.cnt FROM authors a JOIN (SELECT author_id, count(*) AS cnt FROM books GROUP BY author_id) t ON t.author_id = a.id ORDER BY a.name;
SELECT a.name, b.title FROM authors a LEFT JOIN LATERAL (SELECT title FROM books WHERE author_id = a.id ORDER BY year DESC LIMIT 1) b ON true ORDER BY a.id;
-- error: 42702
SELECT id FROM authors JOIN books ON books.author_id = authors.id;
-- error: 42P01
SELECT * FROM authors a JOIN books b ON b.author_id = authors.id;
-- error: 42712
SELECT * FROM authors x JOIN books x ON true;
