-- Lab 05: Normalization and ER diagram case study
-- schema.sql: the bookshop's order export in third normal form.
--
-- Functional dependencies of raw_orders (see model.md):
--   customer_postcode -> customer_city
--   customer_email    -> customer_name, customer_postcode
--   author_name       -> author_country
--   book_isbn         -> book_title, author_name, category, list_price
--   order_id          -> order_date, customer_email
--   order_id, line_no -> book_isbn, unit_price, quantity
-- One table per determinant; each non-key column depends on the key, the
-- whole key, and nothing but the key.

create table postcodes (
    postcode text primary key,
    city     text not null
);

create table customers (
    email    text primary key,
    name     text not null,
    postcode text not null references postcodes (postcode)
);

create table authors (
    author_id integer generated always as identity primary key,
    name      text not null unique,
    country   text not null
);

create table books (
    isbn       text primary key,
    title      text not null,
    author_id  integer not null references authors (author_id),
    category   text not null,
    list_price numeric(8,2) not null
);

create table orders (
    order_id       integer primary key,
    order_date     date not null,
    customer_email text not null references customers (email)
);

create table order_lines (
    order_id   integer not null references orders (order_id),
    line_no    integer not null,
    isbn       text not null references books (isbn),
    quantity   integer not null,
    unit_price numeric(8,2) not null,
    primary key (order_id, line_no)
);
