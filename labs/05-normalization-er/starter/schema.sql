-- Lab 05: Normalization and ER diagram case study
-- schema.sql: the tables of your normalized bookshop schema.
--
-- The checks run, on a fresh database called bookshop:
--   1. a hidden script that creates and fills raw_orders (see README.md),
--   2. this file,
--   3. load.sql.
--
-- TODO: replace the single wide table below with six tables in third normal
-- form, with the names and columns README.md prescribes:
--   postcodes, customers, authors, books, orders, order_lines
-- Give every table a primary key, every reference a foreign key, and mark
-- NOT NULL / UNIQUE where the data requires it. Create parent tables before
-- the tables that reference them.
--
-- The first attempt below copies the spreadsheet as it is: one row per order
-- line, every fact repeated on every line it touches. It runs, and it fails
-- most checks.

create table order_lines (
    order_id          integer      not null,
    line_no           integer      not null,
    order_date        date         not null,
    customer_email    text         not null,
    customer_name     text         not null,
    customer_city     text         not null,
    customer_postcode text         not null,
    book_isbn         text         not null,
    book_title        text         not null,
    author_name       text         not null,
    author_country    text         not null,
    category          text         not null,
    list_price        numeric(8,2) not null,
    unit_price        numeric(8,2) not null,
    quantity          integer      not null,
    primary key (order_id, line_no)
);
